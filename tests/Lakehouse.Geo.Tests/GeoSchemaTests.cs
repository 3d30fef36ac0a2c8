using Lakehouse.Testing;

namespace Lakehouse.Geo.Tests;

public sealed class GeoSchemaTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task MigrateAsync_twice_applies_once_then_nothing()
    {
        IReadOnlyList<string> first = await GeoSchema.MigrateAsync(db.DataSource);
        IReadOnlyList<string> second = await GeoSchema.MigrateAsync(db.DataSource);

        Assert.Contains(first, m => m.StartsWith("geo V0001__", StringComparison.Ordinal));
        Assert.Empty(second);
        long recorded = await db.ScalarAsync<long>("SELECT count(*) FROM lakehouse.schema_history WHERE component = 'geo'");
        Assert.Equal(GeoSchema.Migrations.Count, (int)recorded);
    }
}
