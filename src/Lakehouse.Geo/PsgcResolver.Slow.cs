using System.Globalization;

namespace Lakehouse.Geo;

public sealed partial class PsgcResolver
{
    private static readonly HashSet<string> s_obsoleteRegions = new(
        ["regioniv", "region4", "iv", "4", "r4", "southerntagalog", "southerntagalogregion", "luzon", "visayas", "mindanao", "visayasregion",
         "luzonregion", "mindanaoregion", "southernluzon", "northernluzon", "centralmindanaoandsouthernmindanao"],
        StringComparer.Ordinal);

    private static readonly HashSet<string> s_addressWords = new(
        ["barangay", "purok", "sitio", "zone", "blk", "block", "lot", "phase", "unit", "bldg", "building", "street", "st", "avenue", "ave",
         "road", "rd", "highway", "hwy", "drive", "dr", "subdivision", "subd", "village", "compound", "no", "number", "poblacion", "pob"],
        StringComparer.Ordinal);

    private static readonly char[] s_segmentSeparators = [',', ';', '|', '(', ')', '\n', '\r', '\t'];

    private enum ProvinceKind
    {
        None,
        Found,
        Ncr,
        Unknown,
    }

    private enum CityKind
    {
        None,
        Exact,
        Fuzzy,
        Barangay,
        ProvinceName,
        RegionName,
    }

    private PlaceResolution Slow(string? regionText, string? provinceText, string? cityText)
    {
        string[] rTok = PlaceText.Tokens(regionText);
        string[] pTok = PlaceText.Tokens(provinceText);
        string[] cTok = PlaceText.Tokens(cityText);
        foreach ((string[] tokens, string? raw) in (ReadOnlySpan<(string[], string?)>)[(rTok, regionText), (pTok, provinceText), (cTok, cityText)])
        {
            if (IsForeign(tokens))
            {
                return Nothing(PlaceMatchStatus.NotFound, $"'{raw!.Trim()}' is not a place in the Philippines");
            }
        }

        bool rGiven = rTok.Length > 0 && !IsPlaceholder(rTok, allowDigits: true);
        bool pGiven = pTok.Length > 0 && !IsPlaceholder(pTok, allowDigits: false);
        bool cGiven = cTok.Length > 0 && !IsPlaceholder(cTok, allowDigits: false) && !IsAllPlaceholderSegments(cityText!);

        (int region, bool regionFuzzy, bool regionObsolete) = rGiven ? ResolveRegion(rTok) : (-1, false, false);
        (ProvinceKind pKind, int[] provinces, bool provinceFuzzy) = pGiven ? ResolveProvince(pTok) : (ProvinceKind.None, [], false);
        var notes = new List<string>();

        if (pKind == ProvinceKind.Unknown)
        {
            (int asRegion, bool f, _) = IsBareNumeral(string.Concat(pTok)) ? (-1, false, false) : ResolveRegion(pTok);
            if (asRegion >= 0 && !f)
            {
                region = region < 0 ? asRegion : region;
                pKind = ProvinceKind.None;
                notes.Add("the province field names a region");
            }
            else if (!cGiven)
            {
                cTok = pTok;
                cityText = provinceText;
                cGiven = true;
                pKind = ProvinceKind.None;
            }
        }

        if (rGiven && region < 0 && !regionObsolete && pKind == ProvinceKind.None)
        {
            (ProvinceKind k, int[] p, bool f) = ResolveProvince(rTok);
            if (k == ProvinceKind.Found && !f)
            {
                (pKind, provinces) = (k, p);
                notes.Add("the region field names a province");
            }
        }

        if (rGiven && region < 0)
        {
            notes.Add(regionObsolete
                ? $"region '{regionText!.Trim()}' is an island group or a former region that is now split"
                : $"region '{regionText!.Trim()}' is unknown");
        }

        if (pKind == ProvinceKind.Unknown)
        {
            notes.Add($"province '{provinceText!.Trim()}' is unknown and was ignored");
        }

        double baseConfidence = (regionFuzzy ? 0.9 : 1.0) * (pKind == ProvinceKind.Unknown ? 0.9 : 1.0);
        if (!cGiven)
        {
            string? missing = cTok.Length > 0 ? $"city '{cityText!.Trim()}' is a placeholder" : null;
            return WithoutCity(region, regionFuzzy, rGiven, pKind, provinces, provinceFuzzy, provinceText, cityUnknown: null, notes, missing);
        }

        CityMatch match = FindCity(cityText!, cTok, pKind, provinces);
        if (match.Kind == CityKind.ProvinceName && pKind is ProvinceKind.None or ProvinceKind.Unknown)
        {
            notes.Add("the city field names a province");
            return WithoutCity(region, regionFuzzy, rGiven, ProvinceKind.Found, match.Cities, false, cityText, null, notes, null);
        }

        if (match.Kind == CityKind.ProvinceName && match.Cities.Any(provinces.Contains))
        {
            notes.Add("the city field repeats the province");
            return WithoutCity(region, regionFuzzy, rGiven, pKind, provinces, provinceFuzzy, provinceText, null, notes, null);
        }

        if (match.Kind == CityKind.RegionName)
        {
            notes.Add("the city field names a region");
            if (pKind is ProvinceKind.Found or ProvinceKind.Ncr)
            {
                return WithoutCity(region, regionFuzzy, rGiven, pKind, provinces, provinceFuzzy, provinceText, null, notes, null);
            }

            return WithoutCity(match.Cities[0], false, true, ProvinceKind.None, [], false, null, null, notes, null);
        }

        if (pKind is ProvinceKind.None or ProvinceKind.Unknown && match.ProvinceHint is { } hint)
        {
            (pKind, provinces) = hint;
            if (match.Kind == CityKind.None)
            {
                match = FindCity(match.Remainder ?? cityText!, PlaceText.Tokens(match.Remainder), pKind, provinces);
            }
        }

        bool constrained = pKind is ProvinceKind.Found or ProvinceKind.Ncr;
        int[] cands = match.Cities;
        if (match.Kind is CityKind.None or CityKind.ProvinceName)
        {
            return WithoutCity(region, regionFuzzy, rGiven, pKind, provinces, provinceFuzzy, provinceText,
                cityUnknown: cityText!.Trim(), notes, null);
        }

        if (constrained)
        {
            int[] inside = [.. cands.Where(c => InConstraint(c, pKind, provinces))];
            if (inside.Length == 0 && pKind == ProvinceKind.Found && match.Kind == CityKind.Exact
                && Index.ProvinceKeys.TryGetValue(match.Key, out int[]? named) && named.Any(provinces.Contains))
            {
                notes.Add("the city field repeats the province");
                return WithoutCity(region, regionFuzzy, rGiven, pKind, provinces, provinceFuzzy, provinceText, null, notes, null);
            }

            if (inside.Length == 0)
            {
                string where = pKind == ProvinceKind.Ncr ? "Metro Manila" : string.Join(" / ", provinces.Select(p => Index.Provinces[p].Name));
                return Nothing(PlaceMatchStatus.Conflict,
                    $"'{cityText!.Trim()}' is not in {where} (it matches {Describe(cands)}); which field is wrong cannot be known");
            }

            cands = inside;
        }
        else if (match.Kind == CityKind.Exact && Index.ProvinceKeys.TryGetValue(match.Key, out int[]? sameNamed))
        {
            // The name is both a province and a city: only the city if it lies in that province.
            if (!cands.All(c => Array.IndexOf(sameNamed, Index.Cities[c].GeoProvince) >= 0) && region >= 0)
            {
                int[] citiesInRegion = [.. cands.Where(c => Index.Cities[c].Region == region)];
                int[] provincesInRegion = [.. sameNamed.Where(p => Index.Provinces[p].Region == region)];
                if (citiesInRegion.Length == 0 && provincesInRegion.Length > 0)
                {
                    notes.Add("the city field names a province");
                    return WithoutCity(region, regionFuzzy, rGiven, ProvinceKind.Found, provincesInRegion, false, cityText, null, notes, null);
                }

                if (provincesInRegion.Length == 0 && citiesInRegion.Length > 0)
                {
                    sameNamed = [];
                }
            }

            if (sameNamed.Length > 0 && !cands.All(c => Array.IndexOf(sameNamed, Index.Cities[c].GeoProvince) >= 0))
            {
                return Ambiguous(cands, sameNamed, $"'{cityText!.Trim()}' is both a province and a city/municipality", notes);
            }
        }

        if (cands.Length > 1 && region >= 0)
        {
            int[] inRegion = [.. cands.Where(c => Index.Cities[c].Region == region)];
            // Rule 1: a stale typed region still breaks the tie when no candidate is in it now but one used to be
            // (Talisay typed with Region VI: the Negros Occidental one, in NIR since 2024).
            int[] formerlyInRegion = [.. cands.Where(c => Index.Cities[c].FormerRegion == region)];
            if (inRegion.Length > 0)
            {
                cands = inRegion;
            }
            else if (formerlyInRegion.Length > 0)
            {
                cands = formerlyInRegion;
            }
        }

        double confidence = baseConfidence * match.Kind switch
        {
            CityKind.Fuzzy => 0.8,
            CityKind.Barangay => 0.7,
            _ => 1.0,
        } * (provinceFuzzy ? 0.85 : 1.0);

        if (cands.Length > 1 && match.Key.Length > 0 && Index.PreferredCity.TryGetValue(match.Key, out int preferred) && cands.Contains(preferred))
        {
            cands = [preferred];
            confidence *= 0.9;
            notes.Add($"'{cityText!.Trim()}' taken as the everyday name of {Index.Cities[preferred].Name}");
        }

        if (cands.Length > 1)
        {
            return Ambiguous(cands, [], $"'{cityText!.Trim()}' matches {cands.Length} places", notes);
        }

        CityRow row = Index.Cities[cands[0]];
        if (region >= 0 && region != row.Region)
        {
            notes.Add(StaleRegion(region, row.Region));
        }

        if (match.Note is not null)
        {
            notes.Add(match.Note);
        }

        PlaceMatchStatus status = match.Kind == CityKind.Exact && !provinceFuzzy && !regionFuzzy ? PlaceMatchStatus.Exact : PlaceMatchStatus.Fuzzy;
        return CityAnswer(row, status, Math.Round(confidence, 3), notes.Count == 0 ? null : string.Join("; ", notes));
    }

    private static bool InConstraint(int city, ProvinceKind kind, int[] provinces)
    {
        CityRow row = Index.Cities[city];
        return kind == ProvinceKind.Ncr ? row.Region == NcrRegion : Array.IndexOf(provinces, row.GeoProvince) >= 0;
    }

    private static int NcrRegion => Index.RegionKeys["ncr"];

    private static PlaceResolution WithoutCity(
        int region, bool regionFuzzy, bool regionTyped, ProvinceKind pKind, int[] provinces, bool provinceFuzzy, string? provinceText,
        string? cityUnknown, List<string> notes, string? extra)
    {
        PsgcIndex index = Index;
        if (extra is not null)
        {
            notes.Add(extra);
        }

        if (cityUnknown is not null)
        {
            notes.Insert(0, $"city/municipality '{cityUnknown}' not found" + pKind switch
            {
                ProvinceKind.Found when provinces.Length == 1 => " in " + index.Provinces[provinces[0]].Name,
                ProvinceKind.Ncr => " in Metro Manila",
                _ => "",
            });
        }

        string? reason = notes.Count == 0 ? null : string.Join("; ", notes);
        PlaceMatchStatus found(bool fuzzy) => cityUnknown is not null ? PlaceMatchStatus.NotFound : fuzzy ? PlaceMatchStatus.Fuzzy : PlaceMatchStatus.Exact;
        switch (pKind)
        {
            case ProvinceKind.Found when provinces.Length == 1:
                ProvinceRow p = index.Provinces[provinces[0]];
                RegionRow pr = index.Regions[p.Region];
                if (region >= 0 && region != p.Region)
                {
                    reason = reason is null ? StaleRegion(region, p.Region) : reason + "; " + StaleRegion(region, p.Region);
                }

                return new PlaceResolution(found(provinceFuzzy), pr.Code, pr.Name, p.Code, p.Name, null, null, provinceFuzzy ? 0.8 : 1.0, reason, []);
            case ProvinceKind.Found:
                int[] filtered = region >= 0 && provinces.Any(x => index.Provinces[x].Region == region)
                    ? [.. provinces.Where(x => index.Provinces[x].Region == region)]
                    : provinces;
                if (filtered.Length == 1)
                {
                    return WithoutCity(region, regionFuzzy, regionTyped, pKind, filtered, provinceFuzzy, provinceText, cityUnknown, [], reason);
                }

                return Ambiguous([], filtered, $"province '{provinceText?.Trim()}' matches {filtered.Length} provinces", cityUnknown is null ? [] : notes);
            case ProvinceKind.Ncr:
                RegionRow ncr = index.Regions[NcrRegion];
                return new PlaceResolution(found(false), ncr.Code, ncr.Name, null, null, null, null, 1.0, reason, []);
        }

        if (region >= 0)
        {
            RegionRow r = index.Regions[region];
            PlaceMatchStatus status = cityUnknown is not null || pKind == ProvinceKind.Unknown ? PlaceMatchStatus.NotFound
                : regionFuzzy ? PlaceMatchStatus.Fuzzy : PlaceMatchStatus.Exact;
            return new PlaceResolution(status, r.Code, r.Name, null, null, null, null, regionFuzzy ? 0.8 : 1.0, reason, []);
        }

        return Nothing(PlaceMatchStatus.NotFound, reason ?? "no place was given");
    }

    private static PlaceResolution Ambiguous(int[] cities, int[] provinces, string reason, List<string> notes)
    {
        PsgcIndex index = Index;
        var candidates = new List<PlaceCandidate>();
        var regions = new HashSet<int>();
        var geoProvinces = new HashSet<int>();
        foreach (int c in cities.Distinct())
        {
            CityRow row = index.Cities[c];
            RegionRow r = index.Regions[row.Region];
            candidates.Add(new PlaceCandidate(PlaceLevel.CityMunicipality, row.Code, row.Name,
                row.GeoProvince >= 0 ? index.Provinces[row.GeoProvince].Code : null, r.Code, r.Name));
            regions.Add(row.Region);
            geoProvinces.Add(row.GeoProvince);
        }

        foreach (int p in provinces)
        {
            ProvinceRow row = index.Provinces[p];
            RegionRow r = index.Regions[row.Region];
            candidates.Add(new PlaceCandidate(PlaceLevel.Province, row.Code, row.Name, null, r.Code, r.Name));
            regions.Add(row.Region);
            geoProvinces.Add(p);
        }

        RegionRow? region = regions.Count == 1 ? index.Regions[regions.First()] : null;
        int sharedProvince = geoProvinces.Count == 1 ? geoProvinces.First() : -1;
        ProvinceRow? province = sharedProvince >= 0 ? index.Provinces[sharedProvince] : null;
        notes.Insert(0, reason);
        return new PlaceResolution(PlaceMatchStatus.Ambiguous, region?.Code, region?.Name, province?.Code, province?.Name, null, null,
            region is null ? 0 : 1.0, string.Join("; ", notes), candidates);
    }

    private static PlaceResolution Nothing(PlaceMatchStatus status, string reason) =>
        new(status, null, null, null, null, null, null, 0, reason, []);

    private static string Describe(int[] cities) => string.Join(", ", cities.Take(5).Select(c =>
    {
        CityRow row = Index.Cities[c];
        return row.GeoProvince >= 0 ? $"{row.Name} ({Index.Provinces[row.GeoProvince].Name})" : $"{row.Name} (Metro Manila)";
    }));

    /// <summary>A place abroad, unless the text is also a Philippine name ("Madrid", Surigao del Sur; "Municipality of Madrid").</summary>
    private static bool IsForeign(string[] tokens) =>
        tokens.Length > 0 && (ShortForms.Foreign.Contains(string.Concat(tokens)) || (tokens.Length > 1 && ShortForms.Foreign.Contains(tokens[^1])))
            && Current(tokens) is null && !Index.ProvinceKeys.ContainsKey(string.Concat(tokens));

    private static bool IsPlaceholder(string[] tokens, bool allowDigits)
    {
        string key = string.Concat(tokens);
        if (ShortForms.Placeholders.Contains(key))
        {
            return true;
        }

        bool digits = key.All(char.IsAsciiDigit);
        if (digits && !allowDigits)
        {
            return true;
        }

        // Rule 1: in the region field a numeral such as "III" is a region, not a run of one letter.
        if (allowDigits && RegionByNumber(key) != -1)
        {
            return false;
        }

        return key.Length >= 3 && key.All(ch => ch == key[0]);
    }

    private static bool IsAllPlaceholderSegments(string text) =>
        text.Split(s_segmentSeparators, StringSplitOptions.RemoveEmptyEntries).All(s =>
        {
            string[] t = PlaceText.Tokens(s);
            return t.Length == 0 || IsPlaceholder(t, allowDigits: false);
        });

    private (int Region, bool Fuzzy, bool Obsolete) ResolveRegion(string[] tokens)
    {
        PsgcIndex index = Index;
        string key = string.Concat(tokens);
        if (index.RegionKeys.TryGetValue(key, out int r))
        {
            return (r, false, false);
        }

        if (s_obsoleteRegions.Contains(key))
        {
            return (-1, false, true);
        }

        int byNumber = RegionByNumber(key);
        if (byNumber >= 0 || byNumber == -2)
        {
            return (byNumber >= 0 ? byNumber : -1, false, byNumber == -2);
        }

        // "Region III - Central Luzon", "NCR (Metro Manila)": both halves must agree.
        for (int k = 1; k < tokens.Length; k++)
        {
            int left = RegionPart(string.Concat(tokens[..k]));
            int right = RegionPart(string.Concat(tokens[k..]));
            if (left >= 0 && (right == left || (right < 0 && tokens[k..].All(t => t is "region" or "reg"))))
            {
                return (left, false, false);
            }
        }

        if (MayCorrect(key))
        {
            int found = -1;
            foreach (string candidate in index.RegionKeyList)
            {
                if (candidate.Length >= _minFuzzyLength && EditDistance.Within(key, candidate, _maxEdits))
                {
                    int value = index.RegionKeys[candidate];
                    if (found >= 0 && found != value)
                    {
                        return (-1, false, false);
                    }

                    found = value;
                }
            }

            if (found >= 0)
            {
                return (found, true, false);
            }
        }

        return (-1, false, false);
    }

    /// <summary>"x", "iii", "4a", "12": a numeral with no "Region" before it, which outside the region field is no region.</summary>
    private static bool IsBareNumeral(string key) =>
        key.Length > 0 && (key.TrimEnd('a', 'b').All(char.IsAsciiDigit) || key.TrimEnd('a', 'b').All(static c => c is 'i' or 'v' or 'x'));

    private static int RegionPart(string key) =>
        Index.RegionKeys.TryGetValue(key, out int r) ? r : RegionByNumber(key) is var n and >= 0 ? n : -1;

    /// <summary>Region by numeral: <c>3</c>, <c>03</c>, <c>iii</c>, <c>region3</c>, <c>r3</c>, <c>4a</c>, <c>iva</c>. -1 unknown, -2 the former Region IV.</summary>
    private static int RegionByNumber(string key)
    {
        string s = key;
        foreach (string prefix in (ReadOnlySpan<string>)["rehiyon", "region", "reg", "r"])
        {
            if (s.StartsWith(prefix, StringComparison.Ordinal) && s.Length > prefix.Length)
            {
                s = s[prefix.Length..];
                break;
            }
        }

        char suffix = '\0';
        if (s.Length > 1 && s[^1] is 'a' or 'b')
        {
            suffix = s[^1];
            s = s[..^1];
        }

        int number;
        if (s.Length > 0 && s.All(char.IsAsciiDigit))
        {
            if (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out number))
            {
                return -1;
            }
        }
        else
        {
            number = s switch
            {
                "i" => 1, "ii" => 2, "iii" => 3, "iv" => 4, "v" => 5, "vi" => 6, "vii" => 7, "viii" => 8, "ix" => 9, "x" => 10,
                "xi" => 11, "xii" => 12, "xiii" => 13, "xviii" => 18, _ => -1,
            };
        }

        if (number == 4 && suffix == '\0')
        {
            return -2;
        }

        string label = number.ToString(CultureInfo.InvariantCulture) + (suffix == '\0' ? "" : char.ToUpperInvariant(suffix).ToString());
        return number > 0 && Index.RegionNumbers.TryGetValue(label, out int region) ? region : -1;
    }

    private (ProvinceKind Kind, int[] Provinces, bool Fuzzy) ResolveProvince(string[] tokens)
    {
        PsgcIndex index = Index;
        string key = string.Concat(tokens);
        if (index.NcrKeys.Contains(key))
        {
            return (ProvinceKind.Ncr, [], false);
        }

        if (index.ProvinceKeys.TryGetValue(key, out int[]? found))
        {
            return (ProvinceKind.Found, found, false);
        }

        string[] stripped = StripProvinceWords(tokens);
        if (stripped.Length > 0 && stripped.Length < tokens.Length)
        {
            string s = string.Concat(stripped);
            if (index.NcrKeys.Contains(s))
            {
                return (ProvinceKind.Ncr, [], false);
            }

            if (index.ProvinceKeys.TryGetValue(s, out found))
            {
                return (ProvinceKind.Found, found, false);
            }
        }

        if (tokens.Contains("district") && tokens.Any(t => t is "first" or "second" or "third" or "fourth" or "ncr" or "metro" or "manila" or "capital"))
        {
            return (ProvinceKind.Ncr, [], false);
        }

        string fuzzyKey = string.Concat(stripped.Length > 0 ? stripped : tokens);
        if (MayCorrect(fuzzyKey))
        {
            HashSet<int>? hits = null;
            bool ncr = false;
            foreach (string candidate in index.ProvinceKeyList)
            {
                if (candidate.Length >= _minFuzzyLength && EditDistance.Within(fuzzyKey, candidate, _maxEdits))
                {
                    (hits ??= []).UnionWith(index.ProvinceKeys[candidate]);
                }
            }

            foreach (string candidate in index.NcrKeys)
            {
                ncr |= candidate.Length >= _minFuzzyLength && EditDistance.Within(fuzzyKey, candidate, _maxEdits);
            }

            if (hits is { Count: 1 } && !ncr)
            {
                return (ProvinceKind.Found, [.. hits], true);
            }

            if (hits is null && ncr)
            {
                return (ProvinceKind.Ncr, [], true);
            }
        }

        return (ProvinceKind.Unknown, [], false);
    }

    private static string[] StripProvinceWords(string[] tokens)
    {
        int start = 0;
        if (tokens.Length > 2 && tokens[0] == "province" && tokens[1] is "of" or "ng")
        {
            start = 2;
        }

        int end = tokens.Length;
        if (end - start > 1 && tokens[end - 1] == "province")
        {
            end--;
        }

        return tokens[start..end];
    }
}
