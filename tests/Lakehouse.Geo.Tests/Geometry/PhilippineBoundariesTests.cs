using NetTopologySuite.Geometries;

namespace Lakehouse.Geo.Tests.Geometry;

public sealed class PhilippineBoundariesTests
{
    [Fact]
    public void Regions_embedded_file_gives_18_valid_multipolygons_in_4326()
    {
        BoundarySet regions = PhilippineBoundaries.Regions;

        Assert.Equal(BoundaryLevel.Region, regions.Level);
        Assert.Equal(18, regions.Count);
        Assert.All(regions, r =>
        {
            Assert.IsType<MultiPolygon>(r.Geometry);
            Assert.Equal(4326, r.Geometry.SRID);
            Assert.True(r.Geometry.IsValid, r.Name);
            Assert.Equal(r.PsgcCode, r.Key);
            Assert.Equal(r.PsgcCode, r.RegionCode);
            Assert.Matches("^[0-9]{10}$", r.Key);
        });
        Assert.True(regions.TryGetFeature("1300000000", out BoundaryFeature? ncr));
        Assert.Equal("NCR", ncr.ShortName);
        Assert.Equal("Luzon", ncr.IslandGroup);
    }

    [Fact]
    public void Provinces_embedded_file_has_120_features_with_roll_up_and_composite_keys()
    {
        BoundarySet provinces = PhilippineBoundaries.Provinces;

        Assert.Equal(120, provinces.Count);
        Assert.Equal(76, provinces.Count(p => p.Kind == "province"));
        Assert.Equal(3, provinces.Count(p => p.Kind == "province-composite"));
        Assert.Equal(33, provinces.Count(p => p.Kind == "huc"));

        Assert.True(provinces.TryGetFeature("1102400000+1108600000", out BoundaryFeature? davao));
        Assert.Null(davao.PsgcCode);
        Assert.Equal(["1102400000", "1108600000"], davao.Covers);

        Assert.True(provinces.TryGetFeature("unassigned", out BoundaryFeature? islands));
        Assert.Empty(islands.Covers);

        BoundaryFeature cebuCity = provinces.Single(p => p.Name == "City of Cebu");
        Assert.Equal("huc", cebuCity.Kind);
        Assert.Equal("0702200000", cebuCity.ProvinceCode);
        Assert.All(provinces.Where(p => p.RegionCode == "1300000000"), p => Assert.Null(p.ProvinceCode));
    }

    [Fact]
    public void Provinces_polygons_do_not_overlap_and_lie_in_the_philippines_box()
    {
        BoundarySet provinces = PhilippineBoundaries.Provinces;
        Envelope extent = provinces.Extent;

        Assert.InRange(extent.MinX, 116, 118);
        Assert.InRange(extent.MaxX, 126, 127);
        Assert.InRange(extent.MinY, 4, 5.5);
        Assert.InRange(extent.MaxY, 20.5, 21.5);
        for (int i = 0; i < provinces.Count; i++)
        {
            for (int j = i + 1; j < provinces.Count; j++)
            {
                if (provinces[i].Geometry.EnvelopeInternal.Intersects(provinces[j].Geometry.EnvelopeInternal))
                {
                    double overlap = provinces[i].Geometry.Intersection(provinces[j].Geometry).Area;
                    Assert.True(overlap < 1e-9, $"{provinces[i]} overlaps {provinces[j]} by {overlap}");
                }
            }
        }
    }

    [Fact]
    public void ReadMe_is_embedded_with_the_credit()
    {
        Assert.Contains("Natural Earth", PhilippineBoundaries.ReadMe, StringComparison.Ordinal);
        Assert.Contains("public domain", PhilippineBoundaries.ReadMe, StringComparison.Ordinal);
        Assert.Equal("Boundaries: Natural Earth", PhilippineBoundaries.Credit);
    }

    [Fact]
    public void Load_polygon_feature_with_id_only_uses_it_as_code_and_key()
    {
        const string json = """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","id":"0100000000","properties":{"name":"Ilocos"},
               "geometry":{"type":"Polygon","coordinates":[[[120,16],[121,16],[121,17],[120,17],[120,16]]]}}]}
            """;
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));

        BoundarySet set = BoundarySet.Load(stream, BoundaryLevel.Region);

        BoundaryFeature feature = Assert.Single(set);
        Assert.Equal("0100000000", feature.Key);
        Assert.Equal("region", feature.Kind);
        Assert.Equal(1, feature.Geometry.NumGeometries);
        Assert.Equal(4326, feature.Geometry.SRID);
        Assert.Equal(1.0, feature.Geometry.Area, 12);
    }

    [Theory]
    [InlineData("""{"type":"FeatureCollection"}""")]
    [InlineData("""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"psgc_code":"1"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}""")]
    [InlineData("""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"psgc_code":"1","name":"x"},"geometry":{"type":"Point","coordinates":[0,0]}}]}""")]
    [InlineData("""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"psgc_code":"1","name":"x"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},{"type":"Feature","properties":{"psgc_code":"1","name":"y"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}""")]
    public void Load_bad_geojson_throws_InvalidDataException(string json)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));

        Assert.Throws<InvalidDataException>(() => BoundarySet.Load(stream, BoundaryLevel.Province));
    }

    [Fact]
    public void Simplify_keeps_every_feature_valid_with_fewer_vertices()
    {
        BoundarySet provinces = PhilippineBoundaries.Provinces;

        BoundarySet simplified = provinces.Simplify(0.01);

        Assert.Equal(provinces.Count, simplified.Count);
        Assert.All(simplified, f => Assert.True(f.Geometry.IsValid && !f.Geometry.IsEmpty, f.Name));
        Assert.True(simplified.Sum(f => f.Geometry.NumPoints) < provinces.Sum(f => f.Geometry.NumPoints) * 0.8);
        Assert.Same(provinces, provinces.Simplify(0));
    }
}
