using Lakehouse.Testing;

namespace Lakehouse.Ingest.Tests;

public sealed class IngestSchemaTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task MigrateAsync_twice_applies_once_then_nothing()
    {
        IReadOnlyList<string> first = await IngestSchema.MigrateAsync(db.DataSource);
        IReadOnlyList<string> second = await IngestSchema.MigrateAsync(db.DataSource);

        Assert.Contains(first, m => m.StartsWith("ingest V0001__", StringComparison.Ordinal));
        Assert.Empty(second);
        long recorded = await db.ScalarAsync<long>("SELECT count(*) FROM lakehouse.schema_history WHERE component = 'ingest'");
        Assert.Equal(IngestSchema.Migrations.Count, (int)recorded);
    }
}
