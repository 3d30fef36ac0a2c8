namespace Lakehouse.Geo.Tests;

public sealed class PsgcResolverRuleTests
{
    private static readonly PsgcResolver s_resolver = new();

    [Theory]
    [InlineData("Region IV-A", "0400000000")]
    [InlineData("region 4a", "0400000000")]
    [InlineData("IVA", "0400000000")]
    [InlineData("4-A", "0400000000")]
    [InlineData("R3", "0300000000")]
    [InlineData("Region 03", "0300000000")]
    [InlineData("03", "0300000000")]
    [InlineData("XIII", "1600000000")]
    [InlineData("Region 13", "1600000000")]
    [InlineData("Metro Manila", "1300000000")]
    [InlineData("Kalakhang Maynila", "1300000000")]
    [InlineData("Region IV-B", "1700000000")]
    [InlineData("Southwestern Tagalog Region", "1700000000")]
    [InlineData("ARMM", "1900000000")]
    [InlineData("Southern Mindanao", "1100000000")]
    [InlineData("Central Mindanao", "1200000000")]
    [InlineData("Region XVIII", "1800000000")]
    [InlineData("Bicol", "0500000000")]
    [InlineData("Calabarson", "0400000000")]
    public void Resolve_region_alone_in_any_spelling_resolves(string typed, string code)
    {
        Assert.Equal(code, s_resolver.Resolve(typed, null, null).RegionCode);
    }

    [Theory]
    [InlineData("Region IV")]
    [InlineData("Southern Tagalog")]
    [InlineData("Luzon")]
    [InlineData("Visayas")]
    [InlineData("Mindanao")]
    [InlineData("Region 14")]
    public void Resolve_island_group_or_split_region_yields_nothing_with_reason(string typed)
    {
        PlaceResolution r = s_resolver.Resolve(typed, null, null);
        Assert.Equal(PlaceLevel.None, r.Level);
        Assert.Equal(PlaceMatchStatus.NotFound, r.Status);
        Assert.False(string.IsNullOrEmpty(r.Reason));
    }

    [Theory]
    [InlineData("N/A")]
    [InlineData("none")]
    [InlineData("-")]
    [InlineData("unknown")]
    [InlineData("test")]
    [InlineData("xxx")]
    [InlineData("123")]
    [InlineData("Singapore")]
    [InlineData("Tokyo")]
    [InlineData("California")]
    [InlineData("Dubai, UAE")]
    public void Resolve_placeholders_and_foreign_places_yield_nothing(string typed)
    {
        Assert.Equal(PlaceLevel.None, s_resolver.Resolve(typed, typed, typed).Level);
        PlaceResolution cityOnly = s_resolver.Resolve(null, null, typed);
        Assert.Equal(PlaceLevel.None, cityOnly.Level);
        Assert.NotNull(cityOnly.Reason);
    }

    [Theory]
    [InlineData("Sto. Tomas", "Batangas", "0401028000")]
    [InlineData("Santo Tomas", "Batangas", "0401028000")]
    [InlineData("Sta. Maria", "Bulacan", "0301423000")]
    [InlineData("Gen. Trias", "Cavite", "0402108000")]
    [InlineData("Pres. Roxas", "Capiz", "0601913000")]
    [InlineData("President Manuel A. Roxas", "Zamboanga del Norte", "0907211000")]
    [InlineData("Doctor Jose P. Rizal", "Palawan", "1705323000")]
    [InlineData("Mun. of Tanay", "Prov. of Rizal", "0405812000")]
    [InlineData("Sergio Osmena", "Zamboanga del Norte", "0907214000")]
    [InlineData("Pinan", "Zamboanga del Norte", "0907209000")]
    public void Resolve_abbreviations_and_accents_both_ways(string city, string province, string? code)
    {
        PlaceResolution r = s_resolver.Resolve(null, province, city);
        if (code is null)
        {
            Assert.NotNull(r.CityMunicipalityCode);
        }
        else
        {
            Assert.Equal(code, r.CityMunicipalityCode);
        }
    }

    [Fact]
    public void Resolve_old_names_only_inside_a_known_province()
    {
        Assert.Equal("0305422000", s_resolver.Resolve(null, "Pampanga", "Sexmoan").CityMunicipalityCode);
        Assert.Equal("0731100000", s_resolver.Resolve(null, "Cebu", "Opon").CityMunicipalityCode);
        Assert.Null(s_resolver.Resolve(null, null, "Sexmoan").CityMunicipalityCode);
        Assert.Equal("0908304000", s_resolver.Resolve(null, null, "Imelda").CityMunicipalityCode);
        Assert.Equal("1705917000", s_resolver.Resolve(null, "Romblon", "Imelda").CityMunicipalityCode);
    }

    [Fact]
    public void Resolve_huc_reports_geographic_province_and_ncr_reports_none()
    {
        PlaceResolution cebu = s_resolver.Resolve(null, "Cebu", "Cebu City");
        Assert.Equal(("0702200000", "0730600000", PlaceMatchStatus.Exact), (cebu.ProvinceCode, cebu.CityMunicipalityCode, cebu.Status));
        PlaceResolution makati = s_resolver.Resolve(null, null, "Makati");
        Assert.Null(makati.ProvinceCode);
        Assert.Equal("1300000000", makati.RegionCode);
    }

    [Fact]
    public void Resolve_maguindanao_alone_is_ambiguous_but_constrains_a_city()
    {
        PlaceResolution alone = s_resolver.Resolve(null, "Maguindanao", null);
        Assert.Equal(PlaceMatchStatus.Ambiguous, alone.Status);
        Assert.Equal("1900000000", alone.RegionCode);
        Assert.Equal(2, alone.Candidates.Count);
        Assert.Equal("1908802000", s_resolver.Resolve(null, "Maguindanao", "Buluan").CityMunicipalityCode);
    }

    [Fact]
    public void Resolve_ambiguous_candidates_sharing_a_province_yield_the_province()
    {
        PlaceResolution r = s_resolver.Resolve(null, null, "Sampaloc");
        Assert.Equal(PlaceMatchStatus.Ambiguous, r.Status);
        PlaceResolution inRegion = s_resolver.Resolve("Region IV-A", null, "San Jose");
        Assert.Equal("0400000000", inRegion.RegionCode);
        Assert.Equal("0401022000", inRegion.CityMunicipalityCode);
    }

    [Fact]
    public void Resolve_city_field_with_province_or_region_only()
    {
        Assert.Equal(("0403400000", (string?)null), (s_resolver.Resolve(null, null, "Laguna").ProvinceCode, s_resolver.Resolve(null, null, "Laguna").CityMunicipalityCode));
        Assert.Equal("1300000000", s_resolver.Resolve(null, null, "Metro Manila").RegionCode);
        Assert.Equal(PlaceMatchStatus.Ambiguous, s_resolver.Resolve(null, null, "Cotabato").Status);
        Assert.Equal("1204700000", s_resolver.Resolve("Region XII", null, "Cotabato").ProvinceCode);
        PlaceResolution repeat = s_resolver.Resolve(null, "Isabela", "Isabela");
        Assert.Equal(("0203100000", (string?)null), (repeat.ProvinceCode, repeat.CityMunicipalityCode));
    }

    [Fact]
    public void Resolve_street_barangay_zip_and_province_around_the_city()
    {
        Assert.Equal("1380300000", s_resolver.Resolve(null, null, "Brgy. San Antonio, Makati").CityMunicipalityCode);
        Assert.Equal("1381300000", s_resolver.Resolve(null, null, "123 Rizal St., Quezon City").CityMunicipalityCode);
        Assert.Equal("1102319000", s_resolver.Resolve(null, null, "Purok 3 Tagum City").CityMunicipalityCode);
        Assert.Equal("1380300000", s_resolver.Resolve(null, null, "Makati City Philippines 1200").CityMunicipalityCode);
        Assert.Equal("1102319000", s_resolver.Resolve(null, null, "Tagum Davao del Norte").CityMunicipalityCode);
        Assert.Null(s_resolver.Resolve(null, null, "Brgy Bagong Silang").CityMunicipalityCode);
    }

    [Fact]
    public void Resolve_common_words_are_not_fuzzily_taken_for_towns()
    {
        Assert.Null(s_resolver.Resolve(null, null, "Bahay").CityMunicipalityCode);
        Assert.Null(s_resolver.Resolve(null, null, "Luzon").CityMunicipalityCode);
        Assert.Null(s_resolver.Resolve(null, null, "asdfgh").CityMunicipalityCode);
    }
}
