namespace Lakehouse.Geo.Tests;

/// <summary>One test per wrong answer the generated audit (Audit/ResolverAudit.cs) found, named by the DESIGN.md rule it follows.</summary>
public sealed class PsgcResolverHardeningTests
{
    private static readonly PsgcResolver s_resolver = new(new GeoOptions { CacheSize = 0 });

    [Theory]
    [InlineData("III")]
    [InlineData("iii")]
    [InlineData("Region III")]
    public void Resolve_rule1_region_numeral_of_repeated_letters_is_a_region_not_a_placeholder(string typed)
    {
        PlaceResolution r = s_resolver.Resolve(typed, null, null);
        Assert.Equal(("0300000000", PlaceMatchStatus.Exact), (r.RegionCode, r.Status));
    }

    [Theory]
    [InlineData("x")]
    [InlineData("IV")]
    [InlineData("iii")]
    public void Resolve_rule5_bare_numeral_in_province_field_is_no_region_and_yields_nothing(string typed)
    {
        PlaceResolution r = s_resolver.Resolve(null, typed, null);
        Assert.Equal((PlaceLevel.None, PlaceMatchStatus.NotFound), (r.Level, r.Status));
        Assert.False(string.IsNullOrWhiteSpace(r.Reason));
    }

    [Theory]
    [InlineData("Madrid")]
    [InlineData("Municipality of Madrid")]
    [InlineData("MADRID")]
    public void Resolve_rule5_philippine_town_named_like_a_foreign_place_is_not_foreign(string typed)
    {
        Assert.Equal("1606813000", s_resolver.Resolve(null, "Surigao del Sur", typed).CityMunicipalityCode);
        Assert.Equal("1606813000", s_resolver.Resolve(null, null, typed).CityMunicipalityCode);
        Assert.Equal(PlaceMatchStatus.Conflict, s_resolver.Resolve(null, "Palawan", typed).Status);
        Assert.Equal(PlaceLevel.None, s_resolver.Resolve(null, null, "Tokyo").Level);
    }

    [Fact]
    public void Resolve_rule4_roman_numeral_suffix_names_another_place_so_tagoloan_is_two_places()
    {
        PlaceResolution r = s_resolver.Resolve(null, null, "Tagoloan");
        Assert.Equal(PlaceMatchStatus.Ambiguous, r.Status);
        Assert.Equal(["1003520000", "1004324000"], r.Candidates.Select(c => c.Code).Order(StringComparer.Ordinal));
        Assert.Equal("1000000000", r.RegionCode);
        Assert.Equal("1903638000", s_resolver.Resolve(null, null, "Tagoloan II").CityMunicipalityCode);
    }

    [Theory]
    [InlineData("Tondo")]
    [InlineData("Tondo I")]
    [InlineData("Tondo I/II")]
    public void Resolve_rule5_manila_district_named_with_both_numerals_is_found_by_its_bare_name(string typed)
    {
        PlaceResolution r = s_resolver.Resolve("National Capital Region", "Manila", typed);
        Assert.Equal(("1380600000", PlaceMatchStatus.Exact), (r.CityMunicipalityCode, r.Status));
    }

    [Theory]
    [InlineData("Davao del Norte", "IGaCoS", "1102317000")]
    [InlineData("Pampanga", "CSFP", "0305416000")]
    [InlineData(null, "SJDM", "0301420000")]
    public void Resolve_rule5_common_abbreviations_of_city_names_resolve(string? province, string typed, string code)
    {
        Assert.Equal(code, s_resolver.Resolve(null, province, typed).CityMunicipalityCode);
    }

    [Theory]
    [InlineData("Region VI", "Talisay", "1804528000")]
    [InlineData("Region VII", "San Jose", "1804617000")]
    [InlineData("Region XII", "Cotabato City", "1908703000")]
    public void Resolve_rule1_stale_region_breaks_a_tie_for_the_place_that_moved_from_it(string region, string city, string code)
    {
        PlaceResolution r = s_resolver.Resolve(region, null, city);
        Assert.Equal(code, r.CityMunicipalityCode);
        Assert.Contains("ignored", r.Reason, StringComparison.Ordinal);
        Assert.Equal("0600000000", s_resolver.Resolve("Region VI", null, "San Jose").RegionCode);
    }

    [Fact]
    public void Resolve_rule4_bacolod_alone_is_ambiguous_and_the_region_or_province_decides()
    {
        PlaceResolution alone = s_resolver.Resolve(null, null, "Bacolod");
        Assert.Equal(PlaceMatchStatus.Ambiguous, alone.Status);
        Assert.Equal(2, alone.Candidates.Count);
        Assert.Null(alone.RegionCode);
        Assert.Contains("matches 2 places", alone.Reason, StringComparison.Ordinal);
        Assert.Equal("1830200000", s_resolver.Resolve("NIR", null, "Bacolod").CityMunicipalityCode);
        Assert.Equal("1830200000", s_resolver.Resolve(null, "Negros Occidental", "Bacolod").CityMunicipalityCode);
        Assert.Equal("1830200000", s_resolver.Resolve(null, null, "Bacolod City").CityMunicipalityCode);
        Assert.Equal("1003501000", s_resolver.Resolve("Region X", null, "Bacolod").CityMunicipalityCode);
    }

    [Theory]
    [InlineData("Ilocos Norte", "bangi", "0102804000")]
    [InlineData("Cagayan", "apari", "0201505000")]
    [InlineData("Ilocos Norte", "aams", "0102801000")]
    [InlineData(null, "apari", "0201505000")]
    [InlineData(null, "cndon", "0102906000")]
    public void Resolve_rule5_one_typo_in_a_short_name_is_corrected_when_it_leaves_one_place(string? province, string typed, string code)
    {
        PlaceResolution r = s_resolver.Resolve(null, province, typed);
        Assert.Equal((code, PlaceMatchStatus.Fuzzy), (r.CityMunicipalityCode, r.Status));
        Assert.True(r.Confidence < 1);
    }

    [Fact]
    public void Resolve_rule5_one_typo_is_not_corrected_when_it_leaves_several_places()
    {
        // "Bauan" (Batangas) and "Bauang" (La Union) are both one typing error from "Bauag".
        PlaceResolution r = s_resolver.Resolve(null, null, "Bauag");
        Assert.Null(r.CityMunicipalityCode);
        Assert.False(string.IsNullOrWhiteSpace(r.Reason));
    }

    [Theory]
    [InlineData("Barangay 1", "1380601001")]
    [InlineData("Brgy. 1", "1380601001")]
    [InlineData("bgy 1", "1380601001")]
    public void Resolve_barangay_numbered_in_manila_resolves_through_its_sub_municipality(string typed, string code)
    {
        PlaceResolution r = s_resolver.Resolve(null, "Metro Manila", "Manila", typed);
        Assert.Equal(("1380600000", code, PlaceLevel.Barangay), (r.CityMunicipalityCode, r.BarangayCode, r.Level));
    }

    [Theory]
    [InlineData("Langkaan I", "0402106005")]
    [InlineData("Langkaan 1", "0402106005")]
    [InlineData("brgy. langkaan i", "0402106005")]
    [InlineData("Burol", "0402106003")]
    [InlineData("Bruol", "0402106003")]
    public void Resolve_barangay_inside_the_city_ignores_prefix_case_numerals_and_one_typo(string typed, string code)
    {
        PlaceResolution r = s_resolver.Resolve("Region IV-A", "Cavite", "Dasmarinas", typed);
        Assert.Equal(code, r.BarangayCode);
        Assert.Equal("0402106000", r.CityMunicipalityCode);
        Assert.Equal("0402100000", r.ProvinceCode);
    }

    [Fact]
    public void Resolve_barangay_unknown_or_placeholder_keeps_the_city_with_a_reason()
    {
        PlaceResolution unknown = s_resolver.Resolve(null, "Cavite", "Dasmarinas", "Qxzville");
        Assert.Equal((PlaceMatchStatus.NotFound, "0402106000", (string?)null), (unknown.Status, unknown.CityMunicipalityCode, unknown.BarangayCode));
        Assert.Contains("not found", unknown.Reason, StringComparison.Ordinal);
        PlaceResolution placeholder = s_resolver.Resolve(null, "Cavite", "Dasmarinas", "N/A");
        Assert.Equal(("0402106000", (string?)null), (placeholder.CityMunicipalityCode, placeholder.BarangayCode));
        Assert.Contains("placeholder", placeholder.Reason, StringComparison.Ordinal);
        Assert.Equal(PlaceLevel.CityMunicipality, s_resolver.Resolve(null, "Cavite", "Dasmarinas", null).Level);
    }

    [Fact]
    public void Resolve_barangay_number_psa_split_into_lettered_parts_is_ambiguous_between_them()
    {
        PlaceResolution r = s_resolver.Resolve(null, "Metro Manila", "Caloocan", "Barangay 176");
        Assert.Equal((PlaceMatchStatus.Ambiguous, "1380100000"), (r.Status, r.CityMunicipalityCode));
        Assert.True(r.Candidates.Count > 1);
        Assert.All(r.Candidates, c => Assert.Equal(PlaceLevel.Barangay, c.Level));
        Assert.All(r.Candidates, c => Assert.StartsWith("Barangay 176", c.Name, StringComparison.Ordinal));
    }

    [Fact]
    public void Resolve_barangay_never_rescues_a_conflict()
    {
        PlaceResolution r = s_resolver.Resolve(null, "Laguna", "Tagum City", "Poblacion");
        Assert.Equal((PlaceMatchStatus.Conflict, PlaceLevel.None), (r.Status, r.Level));
    }

    [Fact]
    public void Resolve_barangay_breaks_a_tie_between_same_named_cities()
    {
        // Several "San Jose"; only the one in Occidental Mindoro has a barangay "Bubog".
        PlaceResolution r = s_resolver.Resolve(null, null, "San Jose", "Bubog");
        Assert.Equal("1705110000", r.CityMunicipalityCode);
        Assert.NotNull(r.BarangayCode);
    }
}
