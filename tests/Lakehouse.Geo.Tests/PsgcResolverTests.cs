using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit.Abstractions;

namespace Lakehouse.Geo.Tests;

public sealed class PsgcResolverTests(ITestOutputHelper output)
{
    private static readonly PsgcResolver s_resolver = new();
    private static readonly string DataDir = Path.Combine(AppContext.BaseDirectory, "psgc");

    private static List<string[]> ReadCsv(string name) =>
        [.. File.ReadAllLines(Path.Combine(DataDir, name)).Skip(1).Select(static l => l.Split(','))];

    private static string Deepest(PlaceResolution r) => r.CityMunicipalityCode ?? r.ProvinceCode ?? r.RegionCode ?? "";

    private static string StatusText(PlaceMatchStatus s) => s switch
    {
        PlaceMatchStatus.NotFound => "not_found",
        _ => s.ToString().ToLowerInvariant(),
    };

    [Fact]
    public void Resolve_messy_table_all_rows_right_and_no_wrong_codes()
    {
        int right = 0;
        int wrongCodes = 0;
        var failures = new List<string>();
        foreach ((string region, string province, string city, string status, string code) in MessyRows.Rows)
        {
            PlaceResolution r = s_resolver.Resolve(region, province, city);
            string got = Deepest(r);
            bool codeOk = got == code;
            if (codeOk && StatusText(r.Status) == status)
            {
                right++;
            }
            else
            {
                failures.Add($"[{region}|{province}|{city}] expected {status} {code}, got {StatusText(r.Status)} {got} ({r.Reason})");
            }

            if (got.Length > 0 && !codeOk && !code.StartsWith(got[..2], StringComparison.Ordinal))
            {
                wrongCodes++;
            }
        }

        foreach (string f in failures)
        {
            output.WriteLine(f);
        }

        Assert.True(MessyRows.Rows.Length >= 100);
        Assert.True(right * 100 >= MessyRows.Rows.Length * 98, $"{right}/{MessyRows.Rows.Length} right:\n" + string.Join('\n', failures));
        Assert.Equal(0, wrongCodes);
    }

    [Fact]
    public void Resolve_every_region_name_alone_resolves_to_itself()
    {
        foreach (string[] r in ReadCsv("regions.csv"))
        {
            foreach (string label in (string[])[r[0] is var _ ? r[1] : "", r[2], r[3], .. r[8].Split('|'), .. r[9].Split('|', StringSplitOptions.RemoveEmptyEntries)])
            {
                PlaceResolution result = s_resolver.Resolve(label, null, null);
                Assert.True(r[0] == result.RegionCode, $"{label}: {result.RegionCode} {result.Reason}");
                Assert.Equal(PlaceMatchStatus.Exact, result.Status);
            }
        }
    }

    [Fact]
    public void Resolve_every_province_alone_resolves_to_itself_and_its_region()
    {
        foreach (string[] p in ReadCsv("provinces.csv"))
        {
            PlaceResolution result = s_resolver.Resolve(null, p[1], null);
            Assert.Equal(PlaceMatchStatus.Exact, result.Status);
            Assert.Equal(p[0], result.ProvinceCode);
            Assert.Equal(p[2], result.RegionCode);
            Assert.Null(result.CityMunicipalityCode);
        }
    }

    [Fact]
    public void Resolve_every_city_and_municipality_with_its_province_resolves_to_itself()
    {
        var provinceNames = ReadCsv("provinces.csv").ToDictionary(static p => p[0], static p => p[1]);
        var regionNames = ReadCsv("regions.csv").ToDictionary(static r => r[0], static r => r[1]);
        int count = 0;
        foreach (string[] c in ReadCsv("citymun.csv"))
        {
            string expected = c[3] == "SubMun" ? "1380600000" : c[0];
            string? province = c[8].Length > 0 ? provinceNames[c[8]] : null;
            string? region = province is null ? regionNames[c[6]] : null;
            foreach (string name in (string[])[c[1], c[2]])
            {
                PlaceResolution result = s_resolver.Resolve(region, province, name);
                Assert.True(expected == result.CityMunicipalityCode, $"{name} ({province ?? region}): {result.Status} {result.CityMunicipalityCode} {result.Reason}");
                Assert.Equal(PlaceMatchStatus.Exact, result.Status);
                Assert.Equal(c[6], result.RegionCode);
                Assert.Equal(c[8].Length > 0 ? c[8] : null, result.ProvinceCode);
                count++;
            }
        }

        Assert.Equal(1656 * 2, count);
    }

    [Fact]
    public void Resolve_every_unique_city_name_alone_resolves_to_itself()
    {
        var rows = ReadCsv("citymun.csv").Where(static c => c[3] != "SubMun").ToList();
        var byName = rows.GroupBy(static c => PlaceKey(c[1])).Where(static g => g.Count() == 1).Select(static g => g.Single());
        int checkedCount = 0;
        foreach (string[] c in byName)
        {
            PlaceResolution result = s_resolver.Resolve(null, null, c[1]);
            if (result.Status == PlaceMatchStatus.Ambiguous)
            {
                Assert.Contains(result.Candidates, x => x.Code == c[0]);
                continue;
            }

            Assert.True(c[0] == result.CityMunicipalityCode || result.ProvinceCode is not null && result.CityMunicipalityCode is null,
                $"{c[1]}: {result.Status} {result.CityMunicipalityCode} {result.Reason}");
            checkedCount++;
        }

        Assert.True(checkedCount > 1000);
    }

    private static string PlaceKey(string s)
    {
        string lower = s.ToLowerInvariant();
        int of = lower.IndexOf("city of ", StringComparison.Ordinal);
        lower = of >= 0 ? lower[(of + 8)..] : lower.EndsWith(" city", StringComparison.Ordinal) ? lower[..^5] : lower;
        return new([.. lower.Where(char.IsLetter)]);
    }

    [Property(MaxTest = 300)]
    public bool Resolve_is_invariant_under_case_spacing_and_accents(PositiveInt seed)
    {
        var rows = ReadCsv("citymun.csv");
        var provinceNames = ReadCsv("provinces.csv").ToDictionary(static p => p[0], static p => p[1]);
        var random = new Random(seed.Get);
        string[] c = rows[random.Next(rows.Count)];
        string? province = c[8].Length > 0 ? provinceNames[c[8]] : "Metro Manila";
        string Mess(string s)
        {
            var sb = new System.Text.StringBuilder("  ");
            foreach (char ch in s.Normalize(System.Text.NormalizationForm.FormD))
            {
                if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark)
                {
                    continue;
                }

                sb.Append(random.Next(2) == 0 ? char.ToUpperInvariant(ch) : char.ToLowerInvariant(ch));
                if (ch == ' ' && random.Next(2) == 0)
                {
                    sb.Append("  ");
                }
            }

            return sb.Append(' ').ToString();
        }

        PlaceResolution clean = s_resolver.Resolve(null, province, c[1]);
        PlaceResolution messy = s_resolver.Resolve(null, Mess(province), Mess(c[1]));
        return clean.Status == messy.Status && clean.CityMunicipalityCode == messy.CityMunicipalityCode
            && clean.ProvinceCode == messy.ProvinceCode && clean.RegionCode == messy.RegionCode;
    }

    [Property(MaxTest = 200)]
    public bool Resolve_is_idempotent_on_its_own_answer(PositiveInt seed)
    {
        var rows = MessyRows.Rows;
        var row = rows[seed.Get % rows.Length];
        PlaceResolution first = s_resolver.Resolve(row.Region, row.Province, row.City);
        if (first.CityMunicipalityCode is null)
        {
            return s_resolver.Resolve(row.Region, row.Province, row.City) == first;
        }

        PlaceResolution again = s_resolver.Resolve(first.RegionName, first.ProvinceName ?? "Metro Manila", first.CityMunicipalityName);
        return again.CityMunicipalityCode == first.CityMunicipalityCode && again.Status == PlaceMatchStatus.Exact;
    }

    [Property(MaxTest = 200)]
    public bool Resolve_never_throws_and_nothing_has_a_reason(string? region, string? province, string? city)
    {
        PlaceResolution r = new PsgcResolver(new GeoOptions { CacheSize = 0 }).Resolve(region, province, city);
        bool reasoned = r.Level != PlaceLevel.None || !string.IsNullOrEmpty(r.Reason);
        return reasoned && r.Confidence is >= 0 and <= 1;
    }

    [Fact]
    public void Resolve_ambiguous_city_lists_candidates_with_codes()
    {
        PlaceResolution r = s_resolver.Resolve(null, null, "San Jose");
        Assert.Equal(PlaceMatchStatus.Ambiguous, r.Status);
        Assert.True(r.Candidates.Count >= 9);
        Assert.Contains(r.Candidates, c => c.Code == "0306918000");
        Assert.Null(r.CityMunicipalityCode);
        Assert.NotNull(r.Reason);
    }

    [Fact]
    public void Resolve_ambiguous_city_under_region_still_yields_region()
    {
        PlaceResolution r = s_resolver.Resolve("Region III", null, "San Jose");
        Assert.Equal(PlaceMatchStatus.Ambiguous, r.Status);
        Assert.Equal("0300000000", r.RegionCode);
        Assert.Null(r.CityMunicipalityCode);
    }

    [Fact]
    public void Resolve_conflict_returns_nothing_at_any_level_with_reason()
    {
        PlaceResolution r = s_resolver.Resolve("Region IV-A", "Laguna", "Tagum City");
        Assert.Equal(PlaceMatchStatus.Conflict, r.Status);
        Assert.Null(r.RegionCode);
        Assert.Null(r.ProvinceCode);
        Assert.Null(r.CityMunicipalityCode);
        Assert.Contains("Laguna", r.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_stale_region_does_not_conflict_and_answers_the_places_region()
    {
        PlaceResolution r = s_resolver.Resolve("Region VI", null, "Bacolod City");
        Assert.Equal(PlaceMatchStatus.Exact, r.Status);
        Assert.Equal("1800000000", r.RegionCode);
        Assert.Equal("1804500000", r.ProvinceCode);
        Assert.Contains("ignored", r.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_unknown_city_under_province_keeps_province()
    {
        PlaceResolution r = s_resolver.Resolve(null, "Laguna", "Springville");
        Assert.Equal(PlaceMatchStatus.NotFound, r.Status);
        Assert.Equal("0403400000", r.ProvinceCode);
        Assert.Equal("0400000000", r.RegionCode);
        Assert.Contains("Springville", r.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_one_typo_is_fuzzy_with_lower_confidence()
    {
        PlaceResolution r = s_resolver.Resolve(null, "Pangasinan", "Dagupn");
        Assert.Equal(PlaceMatchStatus.Fuzzy, r.Status);
        Assert.Equal("0105518000", r.CityMunicipalityCode);
        Assert.InRange(r.Confidence, 0.01, 0.99);
    }

    [Fact]
    public void Resolve_fuzzy_off_finds_no_typo()
    {
        var strict = new PsgcResolver(new GeoOptions { MaxEditDistance = 0 });
        Assert.Null(strict.Resolve(null, "Pangasinan", "Dagupn").CityMunicipalityCode);
    }

    [Fact]
    public void Resolve_barangay_alone_in_city_field_finds_its_city_in_the_province()
    {
        PlaceResolution r = s_resolver.Resolve(null, "Cebu", "Brgy. Lahug");
        Assert.Equal("0730600000", r.CityMunicipalityCode);
        Assert.Equal(PlaceMatchStatus.Fuzzy, r.Status);
        Assert.Null(s_resolver.Resolve(null, "Metro Manila", "Bagong Silang").CityMunicipalityCode);
        Assert.Null(s_resolver.Resolve(null, "Pampanga", "Brgy. Dolores").CityMunicipalityCode);
    }

    [Fact]
    public void Resolve_span_overload_matches_string_overload()
    {
        PlaceResolution a = s_resolver.Resolve("Region VII", "Cebu", "Mandaue City");
        PlaceResolution b = s_resolver.Resolve("Region VII".AsSpan(), "Cebu".AsSpan(), "Mandaue City".AsSpan());
        Assert.Equal(a, b with { Candidates = a.Candidates });
    }

    [Fact]
    public void Resolve_cached_answer_is_reused()
    {
        var resolver = new PsgcResolver(new GeoOptions { CacheSize = 2 });
        PlaceResolution first = resolver.Resolve(null, null, "Makati");
        Assert.Same(first, resolver.Resolve(null, null, "Makati"));
        _ = resolver.Resolve(null, null, "Pasig");
        _ = resolver.Resolve(null, null, "Taguig");
        Assert.Equal(first, resolver.Resolve(null, null, "Makati"));
    }

    [Fact]
    public void PsgcVersion_names_the_release()
    {
        Assert.Equal("PSGC 4Q 2025 (as of 31 December 2025)", PsgcResolver.PsgcVersion);
    }
}
