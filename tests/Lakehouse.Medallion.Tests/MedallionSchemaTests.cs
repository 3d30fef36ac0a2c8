using Lakehouse.Testing;

namespace Lakehouse.Medallion.Tests;

public sealed class MedallionSchemaTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task MigrateAsync_twice_applies_once_then_nothing()
    {
        IReadOnlyList<string> first = await MedallionSchema.MigrateAsync(db.DataSource);
        IReadOnlyList<string> second = await MedallionSchema.MigrateAsync(db.DataSource);

        Assert.Contains(first, m => m.StartsWith("medallion V0001__", StringComparison.Ordinal));
        Assert.Empty(second);
        long recorded = await db.ScalarAsync<long>("SELECT count(*) FROM lakehouse.schema_history WHERE component = 'medallion'");
        Assert.Equal(MedallionSchema.Migrations.Count, (int)recorded);
    }
}
