using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using NetTopologySuite.Features;
using NetTopologySuite.IO.Converters;

namespace Lakehouse.Geo.Tests.Maps;

public sealed class ChoroplethTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly JsonSerializerOptions s_geoJson = new() { Converters = { new GeoJsonConverterFactory() } };

    private static KeyValuePair<string, decimal> V(string code, decimal value) => new(code, value);

    [Fact]
    public void Create_region_metric_classes_every_region_and_greys_the_rest()
    {
        BoundarySet regions = PhilippineBoundaries.Regions;
        KeyValuePair<string, decimal>[] metric = regions.Take(15).Select((r, i) => V(r.Key, (i + 1) * 100m)).ToArray();

        Choropleth map = Choropleth.Create(regions, metric, new ChoroplethOptions { Classes = 5 });

        Assert.Equal(18, map.Areas.Count);
        Assert.Equal(3, map.NoDataAreas);
        Assert.Equal([300m, 600m, 900m, 1200m, 1500m], map.Classes.Select(c => c.Upper));
        Assert.Equal(100m, map.Classes[0].Lower);
        Assert.All(map.Classes, c => Assert.Equal(3, c.Areas));
        Assert.Equal(5, map.Classes.Select(c => c.Color).Distinct().Count());
        ChoroplethArea first = map.Areas[0];
        Assert.Equal((100m, 1, regions[0].Key), (first.Value!.Value, first.Class!.Value, first.ValueCode));
        Assert.All(map.Areas.Skip(15), a => Assert.Equal(("#d0d0d0", (int?)null), (a.Color, a.Class)));
        Assert.Empty(map.Warnings);
    }

    [Fact]
    public void Create_province_map_cities_take_their_own_value_else_their_province()
    {
        BoundarySet provinces = PhilippineBoundaries.Provinces;
        string cebuCity = provinces.Single(p => p.Name == "City of Cebu").Key;
        string lapuLapu = provinces.Single(p => p.Name == "City of Lapu-Lapu").Key;

        Choropleth map = Choropleth.Create(provinces, [V("0702200000", 10m), V(cebuCity, 99m)]);

        ChoroplethArea city = map.Areas.Single(a => a.Feature.Key == cebuCity);
        ChoroplethArea rolledUp = map.Areas.Single(a => a.Feature.Key == lapuLapu);
        Assert.Equal((99m, cebuCity), (city.Value, city.ValueCode));
        Assert.Equal((10m, "0702200000"), (rolledUp.Value, rolledUp.ValueCode));
        Assert.Equal(10m, map.Areas.Single(a => a.Feature.Key == "0702200000").Value);
    }

    [Fact]
    public void Create_province_map_ncr_cities_fall_back_to_the_ncr_region_value()
    {
        BoundarySet provinces = PhilippineBoundaries.Provinces;
        string manila = provinces.Single(p => p.Name == "City of Manila").Key;

        Choropleth map = Choropleth.Create(provinces, [V("NCR", 5m), V(manila, 7m)]);

        Assert.Equal(17, map.Areas.Count(a => a.Feature.RegionCode == "1300000000" && a.Value is not null));
        Assert.Equal(7m, map.Areas.Single(a => a.Feature.Key == manila).Value);
        Assert.Equal(16, map.Areas.Count(a => a.ValueCode == "1300000000"));
    }

    [Fact]
    public void Create_composite_takes_only_its_key_and_covered_codes_warn()
    {
        BoundarySet provinces = PhilippineBoundaries.Provinces;

        Choropleth map = Choropleth.Create(provinces, [V("1108600000", 3m), V("1606700000+1608500000", 4m)]);

        ChoroplethWarning warning = Assert.Single(map.Warnings);
        Assert.Equal("1108600000", warning.Code);
        Assert.Contains("Davao del Sur + Davao Occidental", warning.Message, StringComparison.Ordinal);
        Assert.Equal(4m, map.Areas.Single(a => a.Feature.Key == "1606700000+1608500000").Value);
        Assert.Null(map.Areas.Single(a => a.Feature.Key == "1102400000+1108600000").Value);
    }

    [Fact]
    public void Create_province_inside_a_composite_colours_its_cities_and_warns_about_the_composite()
    {
        BoundarySet provinces = PhilippineBoundaries.Provinces;
        BoundaryFeature davaoCity = provinces.Single(p => p.Name == "City of Davao");

        Choropleth map = Choropleth.Create(provinces, [V("1102400000", 8m)]);

        Assert.Equal("1102400000", davaoCity.ProvinceCode);
        Assert.Equal(8m, map.Areas.Single(a => a.Feature == davaoCity).Value);
        Assert.Null(map.Areas.Single(a => a.Feature.Key == "1102400000+1108600000").Value);
        ChoroplethWarning warning = Assert.Single(map.Warnings);
        Assert.Contains("only cities that roll up to it are coloured", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_matches_names_short_names_and_codes_that_lost_their_leading_zero()
    {
        Choropleth map = Choropleth.Create(PhilippineBoundaries.Regions,
            [V("ncr", 1m), V("Region IV-A", 2m), V("700000000", 3m), V("  bicol region ", 4m), V("Atlantis", 5m), V("1300000000", 6m)]);

        Assert.Equal(6m, map.Areas.Single(a => a.Feature.Key == "1300000000").Value);
        Assert.Equal(2m, map.Areas.Single(a => a.Feature.Key == "0400000000").Value);
        Assert.Equal(3m, map.Areas.Single(a => a.Feature.Key == "0700000000").Value);
        Assert.Equal(4m, map.Areas.Single(a => a.Feature.Key == "0500000000").Value);
        Assert.Equal(["1300000000", "Atlantis"], map.Warnings.Select(w => w.Code).Order(StringComparer.Ordinal));
        Assert.Contains(map.Warnings, w => w.Message.Contains("more than once", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_without_any_match_has_no_classes_and_all_areas_grey()
    {
        Choropleth map = Choropleth.Create(PhilippineBoundaries.Regions, [V("nowhere", 1m)]);

        Assert.Empty(map.Classes);
        Assert.Equal(18, map.NoDataAreas);
        XDocument svg = XDocument.Parse(map.ToSvg());
        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value == "no data (18)");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    public void Create_classes_out_of_range_throws(int classes)
    {
        Assert.ThrowsAny<ArgumentException>(() => Choropleth.Create(PhilippineBoundaries.Regions, [], new ChoroplethOptions { Classes = classes }));
    }

    [Fact]
    public void ToSvg_province_map_is_valid_xml_with_one_path_and_tooltip_per_feature_and_a_legend()
    {
        BoundarySet provinces = PhilippineBoundaries.Provinces;
        KeyValuePair<string, decimal>[] metric = provinces.Where(p => p.Kind == "province").Select((p, i) => V(p.Key, 1000m + (i * 37.5m))).ToArray();
        Choropleth map = Choropleth.Create(provinces, metric, new ChoroplethOptions { Title = "Sales <2026> & more", Method = ClassificationMethod.Jenks, Classes = 4 });

        XDocument svg = XDocument.Parse(map.ToSvg());

        XElement root = svg.Root!;
        Assert.Equal(Svg + "svg", root.Name);
        XElement[] paths = root.Descendants(Svg + "path").ToArray();
        Assert.Equal(120, paths.Length);
        Assert.All(paths, p => Assert.Matches("^M[0-9. MLZ-]+Z$", p.Attribute("d")!.Value));
        Assert.All(paths, p => Assert.NotNull(p.Element(Svg + "title")));
        string cebuValue = map.FormatValue(map.Areas.Single(a => a.Feature.Key == "0702200000").Value!.Value);
        Assert.Contains(paths, p => p.Element(Svg + "title")!.Value == $"City of Cebu: {cebuValue} (value of Cebu)");
        Assert.Contains(paths, p => p.Element(Svg + "title")!.Value == "Minor islands (no province in source): no data");
        string[] texts = root.Descendants(Svg + "text").Select(t => t.Value).ToArray();
        Assert.Contains("Sales <2026> & more", texts);
        Assert.Contains(texts, t => t.StartsWith("no data (", StringComparison.Ordinal));
        Assert.Contains("4 classes, Jenks natural breaks", texts);
        Assert.Contains("Boundaries: Natural Earth", texts);
        Assert.Equal(4 + 1, root.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "legend").Elements(Svg + "rect").Count());
        Assert.All(paths.SelectMany(p => p.Attribute("d")!.Value.Split(' ', 'M', 'L', 'Z')).Where(s => s.Length > 0),
            n => Assert.InRange(double.Parse(n, CultureInfo.InvariantCulture), 0, 960));
    }

    [Fact]
    public void ToSvg_and_ToGeoJson_do_not_depend_on_the_current_culture()
    {
        Choropleth map = Choropleth.Create(PhilippineBoundaries.Regions, [V("1300000000", 1234.5m), V("0700000000", 0.25m)]);
        string svg = map.ToSvg();
        string json = map.ToGeoJson();
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            Assert.Equal(svg, map.ToSvg());
            Assert.Equal(json, map.ToGeoJson());
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }

        Assert.Contains(">0.25 (1)<", svg, StringComparison.Ordinal);
        Assert.Contains(">0.25 – 1,234.5 (1)<", svg, StringComparison.Ordinal);
        Assert.Contains("\"value\":1234.5", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ToGeoJson_reads_back_as_a_feature_collection_with_value_class_and_color()
    {
        Choropleth map = Choropleth.Create(PhilippineBoundaries.Regions, [V("1300000000", 10m), V("0700000000", 20m), V("0100000000", 30m)],
            new ChoroplethOptions { Title = "t", Classes = 3 });

        string json = map.ToGeoJson();

        FeatureCollection collection = JsonSerializer.Deserialize<FeatureCollection>(json, s_geoJson)!;
        Assert.Equal(18, collection.Count);
        IFeature ncr = collection.Single(f => (string)f.Attributes["key"] == "1300000000");
        Assert.Equal(10m, Convert.ToDecimal(ncr.Attributes["value"], CultureInfo.InvariantCulture));
        Assert.Equal(1m, Convert.ToDecimal(ncr.Attributes["class"], CultureInfo.InvariantCulture));
        Assert.Equal(map.Classes[0].Color, ncr.Attributes["color"]);
        Assert.True(ncr.Geometry.EqualsExact(PhilippineBoundaries.Regions.Single(r => r.Key == "1300000000").Geometry));
        using JsonDocument document = JsonDocument.Parse(json);
        Assert.Equal(3, document.RootElement.GetProperty("classes").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("features")[1].GetProperty("properties").GetProperty("value").ValueKind);
        Assert.Equal(18, map.ToFeatureCollection().Count);
    }
}
