namespace Lakehouse.Geo;

public sealed partial class PsgcResolver
{
    private static readonly string[][] s_cityPrefixes =
    [
        ["city", "of"], ["municipality", "of"], ["town", "of"], ["municipio", "de"], ["municipio", "of"], ["lungsod", "ng"], ["bayan", "ng"],
        ["lgu"], ["the"], ["lungsod"], ["bayan"],
    ];

    private sealed record CityMatch(
        CityKind Kind, int[] Cities, string Key, (ProvinceKind, int[])? ProvinceHint = null, string? Remainder = null, string? Note = null);

    private static readonly CityMatch s_none = new(CityKind.None, [], "");

    private CityMatch FindCity(string raw, string[] tokens, ProvinceKind pKind, int[] provinces)
    {
        PsgcIndex index = Index;
        bool constrained = pKind is ProvinceKind.Found or ProvinceKind.Ncr;
        int end = tokens.Length;
        while (end > 1 && tokens[end - 1].Length == 4 && tokens[end - 1].All(char.IsAsciiDigit))
        {
            end--;
        }

        tokens = tokens[..end];
        if (Direct(tokens, pKind, provinces) is { } direct)
        {
            return direct;
        }

        string key = string.Concat(tokens);
        if (NamesRegionOrProvince(key) is { } named)
        {
            return named;
        }

        if (s_obsoleteRegions.Contains(key) || ShortForms.Placeholders.Contains(key))
        {
            return s_none;
        }

        string[][] segments = [.. raw.Split(s_segmentSeparators, StringSplitOptions.RemoveEmptyEntries)
            .Select(PlaceText.Tokens)
            .Where(t => t.Length > 0 && !IsPlaceholder(t, allowDigits: false))];
        (ProvinceKind, int[])? hint = null;
        string[]? primary = null;
        if (segments.Length > 1)
        {
            for (int s = segments.Length - 1; s >= 0; s--)
            {
                string[] seg = segments[s];
                string segKey = string.Concat(seg);
                if (index.NcrKeys.Contains(segKey) && !index.CityKeys.ContainsKey(segKey))
                {
                    hint ??= (ProvinceKind.Ncr, []);
                    continue;
                }

                if (index.ProvinceKeys.TryGetValue(segKey, out int[]? p))
                {
                    hint ??= (ProvinceKind.Found, p);
                    continue;
                }

                if (IsRegionOrCountry(seg))
                {
                    continue;
                }

                (ProvinceKind k, int[] ps) = constrained || hint is null ? (pKind, provinces) : hint.Value;
                CityMatch? hit = IsAddress(seg) ? AddressSpan(seg, k, ps) : Direct(seg, k, ps) ?? Peeled(seg, k, ps);
                if (hit is not null)
                {
                    return hit with { ProvinceHint = hit.ProvinceHint ?? hint };
                }

                if (!IsAddress(seg))
                {
                    primary ??= seg;
                }
            }
        }
        else
        {
            CityMatch? hit = IsAddress(tokens) ? AddressSpan(tokens, pKind, provinces) : Peeled(tokens, pKind, provinces);
            if (hit is not null)
            {
                return hit;
            }

            primary = IsAddress(tokens) ? null : tokens;
        }

        (ProvinceKind kind, int[] within) = constrained || hint is null ? (pKind, provinces) : hint.Value;
        // NCR is left out: Manila, Caloocan and Pasay number their barangays, so district names there mislead.
        if (kind is ProvinceKind.Found && _useBarangays)
        {
            foreach (string[] seg in segments.Length > 1 ? segments.Reverse() : [tokens])
            {
                string[] name = [.. seg.SkipWhile(t => t is "barangay" or "bgy" or "brgy" or "purok" or "sitio" or "zone")];
                if (name.Length > 0 && index.Barangays.TryGetValue(string.Concat(name), out int[]? owners))
                {
                    int[] inside = [.. owners.Where(c => InConstraint(c, kind, within))];
                    if (inside.Length == 1)
                    {
                        return new CityMatch(CityKind.Barangay, inside, "", hint, Note: $"city inferred from barangay '{string.Join(' ', name)}'");
                    }
                }
            }
        }

        if (primary is not null && Fuzzy(primary, kind, within) is { } fuzzy)
        {
            return fuzzy with { ProvinceHint = hint };
        }

        return hint is null ? s_none : s_none with { ProvinceHint = hint, Remainder = primary is null ? null : string.Join(' ', primary) };
    }

    private static CityMatch? NamesRegionOrProvince(string key)
    {
        PsgcIndex index = Index;
        if (index.NcrKeys.Contains(key) || (index.RegionKeys.TryGetValue(key, out int region) && region == NcrRegion))
        {
            return new CityMatch(CityKind.RegionName, [NcrRegion], key);
        }

        if (index.ProvinceKeys.TryGetValue(key, out int[]? provinces))
        {
            return new CityMatch(CityKind.ProvinceName, provinces, key);
        }

        if (key.EndsWith("province", StringComparison.Ordinal) && index.ProvinceKeys.TryGetValue(key[..^8], out provinces))
        {
            return new CityMatch(CityKind.ProvinceName, provinces, key[..^8]);
        }

        if (index.RegionKeys.TryGetValue(key, out region))
        {
            return new CityMatch(CityKind.RegionName, [region], key);
        }

        return null;
    }

    private static bool IsRegionOrCountry(string[] seg)
    {
        string key = string.Concat(seg);
        return key is "philippines" or "ph" or "phl" or "pilipinas" or "rp"
            || Index.RegionKeys.ContainsKey(key) || s_obsoleteRegions.Contains(key) || RegionByNumber(key) >= 0
            || (key.Length == 4 && key.All(char.IsAsciiDigit));
    }

    private static bool IsAddress(string[] tokens) =>
        tokens.Length > 0 && (s_addressWords.Contains(tokens[0]) || char.IsAsciiDigit(tokens[0][0])
            || tokens.Any(t => t is "street" or "st" or "avenue" or "ave" or "road" or "rd" or "highway" or "subdivision" or "subd" or "village"));

    /// <summary>The whole text as a city name: as typed, without "City of"/"City", then (inside a known province) as a former name.</summary>
    private static CityMatch? Direct(string[] tokens, ProvinceKind pKind, int[] provinces)
    {
        CityMatch? current = Current(tokens);
        bool constrained = pKind is ProvinceKind.Found or ProvinceKind.Ncr;
        if (!constrained || (current is not null && current.Cities.Any(c => InConstraint(c, pKind, provinces))))
        {
            return current;
        }

        // Inside a known province a former name may be meant (Imelda, Romblon = Santa Maria), even where it is a current name elsewhere.
        string[] stripped = StripCityWords(tokens);
        foreach (string variant in PsgcIndex.CityKeyVariants(stripped).Prepend(string.Concat(tokens)))
        {
            if (Index.OldCityKeys.TryGetValue(variant, out int[]? cities))
            {
                int[] inside = [.. cities.Where(c => InConstraint(c, pKind, provinces))];
                if (inside.Length > 0)
                {
                    return new CityMatch(CityKind.Exact, inside, variant, Note: "matched a former name");
                }
            }
        }

        return current;
    }

    private static CityMatch? Current(string[] tokens)
    {
        PsgcIndex index = Index;
        if (tokens.Length == 0)
        {
            return null;
        }

        string key = string.Concat(tokens);
        if (index.CityKeys.TryGetValue(key, out int[]? cities))
        {
            return new CityMatch(CityKind.Exact, cities, key);
        }

        string[] stripped = StripCityWords(tokens);
        foreach (string variant in stripped.Length == 0 ? [] : PsgcIndex.CityKeyVariants(stripped))
        {
            if (index.CityKeys.TryGetValue(variant, out cities))
            {
                return new CityMatch(CityKind.Exact, cities, variant);
            }
        }

        return null;
    }

    /// <summary>"Tagum Davao del Norte", "Makati Metro Manila", "Quezon City Philippines": peel a province, region or country off the end.</summary>
    private static CityMatch? Peeled(string[] tokens, ProvinceKind pKind, int[] provinces)
    {
        PsgcIndex index = Index;
        for (int k = 1; k < tokens.Length; k++)
        {
            string suffix = string.Concat(tokens[k..]);
            (ProvinceKind, int[])? hint = null;
            if (index.NcrKeys.Contains(suffix))
            {
                hint = (ProvinceKind.Ncr, []);
            }
            else if (index.ProvinceKeys.TryGetValue(suffix, out int[]? p))
            {
                hint = (ProvinceKind.Found, p);
            }
            else if (!IsRegionOrCountry(tokens[k..]))
            {
                continue;
            }

            (ProvinceKind kind, int[] within) = pKind is ProvinceKind.Found or ProvinceKind.Ncr || hint is null ? (pKind, provinces) : hint.Value;
            if (Direct(tokens[..k], kind, within) is { } hit)
            {
                return hit with { ProvinceHint = hint };
            }
        }

        return null;
    }

    /// <summary>"Brgy San Antonio Makati": a city at the end, accepted when what comes before is one of its barangays or the name says "city".</summary>
    private CityMatch? AddressSpan(string[] tokens, ProvinceKind pKind, int[] provinces)
    {
        PsgcIndex index = Index;
        for (int k = 1; k < tokens.Length; k++)
        {
            string[] tail = tokens[k..];
            CityMatch? hit = Direct(tail, pKind, provinces) ?? Peeled(tail, pKind, provinces);
            if (hit is null)
            {
                continue;
            }

            string[] rest = [.. tokens[..k].Where(t => !s_addressWords.Contains(t) && !char.IsAsciiDigit(t[0]))];
            bool saysCity = tail.Contains("city");
            bool isBarangay = rest.Length > 0 && _useBarangays
                && index.Barangays.TryGetValue(string.Concat(rest), out int[]? owners) && owners.Any(hit.Cities.Contains);
            if (saysCity || isBarangay || rest.Length == 0)
            {
                return hit;
            }
        }

        return null;
    }

    private CityMatch? Fuzzy(string[] tokens, ProvinceKind pKind, int[] provinces)
    {
        string key = string.Concat(StripCityWords(tokens) is { Length: > 0 } s ? PsgcIndex.CityCore(s) : tokens);
        if (!MayCorrect(key))
        {
            return null;
        }

        PsgcIndex index = Index;
        var hits = new HashSet<int>();
        foreach (string candidate in FuzzyCandidates(key, pKind, provinces))
        {
            if (candidate.Length >= _minFuzzyLength && EditDistance.Within(key, candidate, _maxEdits))
            {
                hits.UnionWith(index.CityKeys[candidate]);
            }
        }

        if (pKind is ProvinceKind.Found or ProvinceKind.Ncr)
        {
            hits.RemoveWhere(c => !InConstraint(c, pKind, provinces));
        }

        return hits.Count == 0 ? null : new CityMatch(CityKind.Fuzzy, [.. hits.Order()], "", Note: "one typing error corrected");
    }

    /// <summary>
    /// The keys a typo may be one edit from: inside a typed province (or NCR) only that province's keys, else every key
    /// of a length within reach. Either way the same places survive the province filter as with a scan of every key.
    /// </summary>
    private IEnumerable<string> FuzzyCandidates(string key, ProvinceKind pKind, int[] provinces)
    {
        PsgcIndex index = Index;
        if (_maxEdits == 1 && key.Length < 64)
        {
            return OneEditNeighbours(key);
        }

        if (pKind == ProvinceKind.Ncr)
        {
            return index.NcrCityKeys;
        }

        if (pKind == ProvinceKind.Found)
        {
            return provinces.Length == 1
                ? index.CityKeysByProvince.GetValueOrDefault(provinces[0], [])
                : provinces.SelectMany(p => index.CityKeysByProvince.GetValueOrDefault(p, [])).Distinct();
        }

        int from = Math.Max(0, key.Length - _maxEdits);
        int to = Math.Min(index.CityKeysByLength.Length - 1, key.Length + _maxEdits);
        return from > to ? [] : index.CityKeysByLength[from..(to + 1)].SelectMany(static k => k);
    }

    /// <summary>The city keys sharing the typed key or one of its one-letter deletions (a superset of those one edit away).</summary>
    private static HashSet<string> OneEditNeighbours(string key)
    {
        PsgcIndex index = Index;
        var found = new HashSet<string>(StringComparer.Ordinal);
        Span<char> buffer = stackalloc char[64];
        if (index.CityKeyDeletionLookup.TryGetValue(key, out string[]? keys))
        {
            found.UnionWith(keys);
        }

        for (int i = 0; i < key.Length; i++)
        {
            key.AsSpan(0, i).CopyTo(buffer);
            key.AsSpan(i + 1).CopyTo(buffer[i..]);
            if (index.CityKeyDeletionLookup.TryGetValue(buffer[..(key.Length - 1)], out keys))
            {
                found.UnionWith(keys);
            }
        }

        return found;
    }

    /// <summary>
    /// Rule 5: one typing error is corrected when it leaves a single candidate. The corrected name must have at least
    /// <see cref="GeoOptions.MinFuzzyLength"/> letters, so the typed text may be one letter shorter (a deleted letter).
    /// </summary>
    private bool MayCorrect(string key) =>
        _maxEdits > 0 && key.Length >= Math.Max(3, _minFuzzyLength - _maxEdits) && !key.Any(char.IsAsciiDigit);

    private static string[] StripCityWords(string[] tokens)
    {
        int start = 0;
        foreach (string[] prefix in s_cityPrefixes)
        {
            if (tokens.Length > prefix.Length && tokens.AsSpan(0, prefix.Length).SequenceEqual(prefix))
            {
                start = prefix.Length;
                break;
            }
        }

        int end = tokens.Length;
        while (end - start > 1 && tokens[end - 1] is "city" or "municipality" or "town" or "proper" or "lgu" or "poblacion")
        {
            end--;
        }

        return tokens[start..end];
    }
}
