namespace Lakehouse.Geo;

public sealed partial class PsgcResolver
{
    /// <summary>
    /// Resolves one typed place down to the barangay. The region, province and city are answered exactly as by
    /// <see cref="Resolve(string?, string?, string?)"/>; the barangay is then looked up inside the resolved
    /// city/municipality only (ignoring case, accents, <c>Brgy.</c>/<c>Barangay</c>, <c>Pob.</c>/<c>Poblacion</c>,
    /// <c>No.</c>, roman or arabic numerals, one typing error when that leaves a single barangay). When the city name is
    /// ambiguous, a barangay found in only one of the candidates decides it.
    /// </summary>
    /// <param name="region">The region as typed (advisory).</param>
    /// <param name="province">The province as typed (constrains the city).</param>
    /// <param name="city">The city or municipality as typed.</param>
    /// <param name="barangay">The barangay as typed; null or empty gives the three-field answer.</param>
    /// <returns>The answer; never null. An unknown barangay keeps the city with <see cref="PlaceMatchStatus.NotFound"/>; several
    /// barangays of that name keep the city with <see cref="PlaceMatchStatus.Ambiguous"/> and barangay candidates.</returns>
    public PlaceResolution Resolve(string? region, string? province, string? city, string? barangay)
    {
        PlaceResolution answer = Resolve(region, province, city);
        string[] tokens = BarangayIndex.Tokens(barangay);
        if (tokens.Length == 0 || answer.Status == PlaceMatchStatus.Conflict)
        {
            return answer;
        }

        string typed = barangay!.Trim();
        PsgcIndex index = Index;
        BarangayIndex barangays = BarangayIndex.Instance;
        if (answer.Status == PlaceMatchStatus.Ambiguous && answer.Candidates.Count > 0
            && answer.Candidates.All(static c => c.Level == PlaceLevel.CityMunicipality))
        {
            // Like the region, the barangay breaks ties between same-named cities (only on an exact barangay name).
            int[] having = [.. answer.Candidates.Select(c => index.Cities[index.CityByCode[c.Code]].Target).Distinct()
                .Where(c => FindBarangay(barangays, c, tokens, allowTypo: false).Hits.Length > 0)];
            if (having.Length == 1)
            {
                answer = CityAnswer(index.Cities[having[0]], PlaceMatchStatus.Exact, 1.0, $"city chosen by its barangay '{typed}'");
            }
        }

        if (answer.CityMunicipalityCode is null)
        {
            return answer with { Reason = Join(answer.Reason, $"barangay '{typed}' not looked up: no single city/municipality") };
        }

        int cityIndex = index.CityByCode[answer.CityMunicipalityCode];
        (int[] hits, bool fuzzy) = FindBarangay(barangays, cityIndex, tokens, allowTypo: false);
        if (hits.Length == 0 && (IsPlaceholder(tokens, allowDigits: true) || IsForeign(tokens) || tokens is ["barangay"]))
        {
            // A real barangay may be called "Centro", "Guam" or "Bahay"; only a name that is none in this city is a placeholder.
            return answer with { Reason = Join(answer.Reason, $"barangay '{typed}' is a placeholder and was ignored") };
        }

        if (hits.Length == 0)
        {
            (hits, fuzzy) = FindBarangay(barangays, cityIndex, tokens, allowTypo: true);
        }
        string cityName = answer.CityMunicipalityName!;
        if (hits.Length == 1)
        {
            BarangayRow row = barangays.Rows[hits[0]];
            return answer with
            {
                BarangayCode = row.Code,
                BarangayName = row.Name,
                Status = fuzzy ? PlaceMatchStatus.Fuzzy : answer.Status,
                Confidence = fuzzy ? Math.Round(answer.Confidence * 0.8, 3) : answer.Confidence,
                Reason = fuzzy ? Join(answer.Reason, "one typing error in the barangay corrected") : answer.Reason,
            };
        }

        if (hits.Length > 1)
        {
            PlaceCandidate[] candidates = [.. hits.Select(h => barangays.Rows[h])
                .Select(b => new PlaceCandidate(PlaceLevel.Barangay, b.Code, b.Name, answer.CityMunicipalityCode, answer.RegionCode!, answer.RegionName!))];
            return answer with
            {
                Status = PlaceMatchStatus.Ambiguous,
                Candidates = candidates,
                Reason = Join($"barangay '{typed}' matches {hits.Length} barangays of {cityName}", answer.Reason),
            };
        }

        return answer with { Status = PlaceMatchStatus.NotFound, Reason = Join($"barangay '{typed}' not found in {cityName}", answer.Reason) };
    }

    private (int[] Hits, bool Fuzzy) FindBarangay(BarangayIndex barangays, int city, string[] tokens, bool allowTypo)
    {
        if (barangays.Exact.TryGetValue((city, string.Concat(tokens)), out int[]? hits))
        {
            return (hits, false);
        }

        if (tokens.Length > 1 && tokens[0] == "barangay" && barangays.Exact.TryGetValue((city, string.Concat(tokens[1..])), out hits))
        {
            return (hits, false);
        }

        string[] loose = [.. BarangayIndex.LooseKeys(tokens)];
        foreach (string key in loose)
        {
            if (barangays.Loose.TryGetValue((city, key), out hits))
            {
                return (hits, false);
            }
        }

        // "Barangay 176" after PSA split it into 176-A … 176-F: every part (ambiguous unless there is one).
        string number = loose[^1];
        if (number.Length > 0 && char.IsAsciiDigit(number[^1]) && barangays.KeysByCity.TryGetValue(city, out string[]? cityKeys))
        {
            int[] parts = [.. cityKeys.Where(k => k.Length == number.Length + 1 && k.StartsWith(number, StringComparison.Ordinal) && char.IsAsciiLetter(k[^1]))
                .SelectMany(k => barangays.Loose[(city, k)]).Distinct()];
            if (parts.Length > 0)
            {
                return (parts, false);
            }
        }

        // "Poblacion" / "Pob." where no barangay carries that name: the barangays PSA flags as the town centre.
        if (tokens.All(static t => t is "poblacion" or "barangay") && barangays.Poblacion.TryGetValue(city, out hits))
        {
            return (hits, false);
        }

        string typed = loose[0];
        if (!allowTypo || !MayCorrect(typed) || !barangays.KeysByCity.TryGetValue(city, out string[]? keys))
        {
            return ([], false);
        }

        var found = new HashSet<int>();
        foreach (string key in keys)
        {
            if (key.Length >= _minFuzzyLength && EditDistance.Within(typed, key, _maxEdits))
            {
                found.UnionWith(barangays.Loose[(city, key)]);
            }
        }

        return found.Count == 1 ? ([.. found], true) : ([], false);
    }

    private static string Join(string? first, string? second) =>
        first is null ? second ?? "" : second is null ? first : first + "; " + second;
}
