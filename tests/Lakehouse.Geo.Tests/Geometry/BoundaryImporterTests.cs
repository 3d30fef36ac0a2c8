using NetTopologySuite.Geometries;
using Npgsql;

namespace Lakehouse.Geo.Tests.Geometry;

public sealed class BoundaryImporterTests(PostGisDatabase db) : IClassFixture<PostGisDatabase>, IAsyncLifetime
{
    public async Task InitializeAsync() => await GeoSchema.MigrateAsync(db.DataSource);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ImportAsync_round_trip_reads_back_every_coordinate_exactly_with_srid_4326()
    {
        BoundaryImportResult result = await BoundaryImporter.ImportAsync(db.DataSource);

        Assert.Equal(18, result.Regions);
        Assert.Equal(120, result.Provinces);
        await AssertSameGeometriesAsync("SELECT region_psgc, geom FROM scout.geo_adm1_region", PhilippineBoundaries.Regions);
        await AssertSameGeometriesAsync("SELECT feature_key, geom FROM scout.geo_adm2_province", PhilippineBoundaries.Provinces);
        Assert.Equal(4, await db.ScalarAsync<long>("""
            SELECT count(*) FROM geometry_columns
            WHERE f_table_schema = 'scout' AND f_table_name IN ('geo_adm1_region', 'geo_adm2_province', 'geo_adm1_region_gen', 'geo_adm2_province_gen')
              AND srid = 4326 AND type = 'MULTIPOLYGON'
            """));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.geo_adm2_province WHERE ST_SRID(geom) <> 4326 OR NOT ST_IsValid(geom)"));
    }

    [Fact]
    public async Task ImportAsync_twice_changes_nothing_the_second_time()
    {
        await BoundaryImporter.ImportAsync(db.DataSource);
        await db.ExecuteAsync("UPDATE scout.geo_adm1_region SET population = 13484462 WHERE region_psgc = '1300000000'");
        string before = await SnapshotAsync();

        await BoundaryImporter.ImportAsync(db.DataSource);

        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(18L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.geo_adm1_region"));
        Assert.Equal(120L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.geo_adm2_province"));
        Assert.Equal(13484462, await db.ScalarAsync<int>("SELECT population FROM scout.geo_adm1_region WHERE region_psgc = '1300000000'"));
    }

    [Fact]
    public async Task ImportAsync_fills_gen_tables_with_valid_simplified_polygons_and_areas()
    {
        BoundaryImportResult result = await BoundaryImporter.ImportAsync(db.DataSource, new BoundaryImportOptions { SimplifyTolerance = 0.02 });

        Assert.True(result.SimplifiedRegionVertices < result.RegionVertices / 2, $"{result.SimplifiedRegionVertices} of {result.RegionVertices}");
        Assert.Equal(result.SimplifiedRegionVertices, await db.ScalarAsync<int>("SELECT sum(ST_NPoints(geom))::int FROM scout.geo_adm1_region_gen"));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.geo_adm2_province_gen WHERE NOT ST_IsValid(geom) OR ST_IsEmpty(geom)"));
        Assert.Equal(120L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.geo_adm2_province_gen WHERE tolerance = 0.02"));

        // The whole country is about 300,000 km²; these 1:10m polygons give roughly that.
        decimal total = await db.ScalarAsync<decimal>("SELECT sum(area_sqkm) FROM scout.geo_adm1_region");
        Assert.InRange(total, 270_000m, 330_000m);
        decimal cebu = await db.ScalarAsync<decimal>("SELECT area_sqkm FROM scout.geo_adm2_province WHERE psgc_code = '0702200000'");
        Assert.InRange(cebu, 3_500m, 6_000m);
    }

    [Fact]
    public async Task ImportAsync_without_UseNetTopologySuite_says_so()
    {
        await using NpgsqlDataSource plain = NpgsqlDataSource.Create(db.ConnectionString);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => BoundaryImporter.ImportAsync(plain));

        Assert.Contains("UseNetTopologySuite", error.Message, StringComparison.Ordinal);
    }

    private async Task<string> SnapshotAsync() => (await db.ScalarAsync<string>("""
        SELECT string_agg(k || ':' || u || ':' || coalesce(p, ''), ',' ORDER BY k) FROM (
            SELECT region_psgc AS k, updated_at::text AS u, population::text AS p FROM scout.geo_adm1_region
            UNION ALL SELECT feature_key, updated_at::text, population::text FROM scout.geo_adm2_province) x
        """))!;

    private async Task AssertSameGeometriesAsync(string sql, BoundarySet expected)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await using NpgsqlCommand command = db.DataSource.CreateCommand(sql);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            string key = reader.GetString(0);
            var actual = reader.GetFieldValue<MultiPolygon>(1);
            Assert.True(expected.TryGetFeature(key, out BoundaryFeature? feature), key);
            Assert.Equal(4326, actual.SRID);
            Coordinate[] a = actual.Coordinates;
            Coordinate[] e = feature.Geometry.Coordinates;
            Assert.Equal(e.Length, a.Length);
            for (int i = 0; i < e.Length; i++)
            {
                Assert.True(Math.Abs(e[i].X - a[i].X) <= 1e-9 && Math.Abs(e[i].Y - a[i].Y) <= 1e-9, $"{key} vertex {i}: {e[i]} vs {a[i]}");
            }

            Assert.True(actual.EqualsExact(feature.Geometry), key);
            seen.Add(key);
        }

        Assert.Equal(expected.Count, seen.Count);
    }
}
