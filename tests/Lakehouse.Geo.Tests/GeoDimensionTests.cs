using Lakehouse.Testing;

namespace Lakehouse.Geo.Tests;

public sealed class GeoDimensionTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => GeoSchema.MigrateAsync(db.DataSource);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Migration_fills_dimensions_with_psa_counts()
    {
        Assert.Equal(18L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.dim_geo_region"));
        Assert.Equal(82L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.dim_geo_province"));
        Assert.Equal(1656L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.dim_geo_citymun"));
        Assert.Equal(149L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.dim_geo_citymun WHERE geographic_level = 'City'"));
    }

    [Fact]
    public async Task Dimensions_agree_with_the_resolver_and_keep_geographic_provinces()
    {
        var resolver = new PsgcResolver();
        PlaceResolution cebu = resolver.Resolve(null, "Cebu", "Cebu City");
        Assert.Equal(cebu.ProvinceCode, await db.ScalarAsync<string>(
            $"SELECT geo_province_psgc FROM scout.dim_geo_citymun WHERE citymun_psgc = '{cebu.CityMunicipalityCode}'"));
        Assert.Null(await db.ScalarAsync<string>("SELECT province_psgc FROM scout.dim_geo_citymun WHERE citymun_name = 'Quezon City'"));
        Assert.Contains("Metro Manila", (await db.ScalarAsync<string[]>("SELECT aliases FROM scout.dim_geo_region WHERE short_name = 'NCR'"))!);
        Assert.Equal("Mindanao", await db.ScalarAsync<string>("SELECT island_group FROM scout.dim_geo_region WHERE region_psgc = '1100000000'"));
    }
}
