using Lakehouse.Testing;

namespace Lakehouse.Publisher.Tests;

public sealed class PublisherSchemaTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task MigrateAsync_twice_applies_once_then_nothing()
    {
        IReadOnlyList<string> first = await PublisherSchema.MigrateAsync(db.DataSource);
        IReadOnlyList<string> second = await PublisherSchema.MigrateAsync(db.DataSource);

        Assert.Contains(first, m => m.StartsWith("publisher V0001__", StringComparison.Ordinal));
        Assert.Empty(second);
        long recorded = await db.ScalarAsync<long>("SELECT count(*) FROM lakehouse.schema_history WHERE component = 'publisher'");
        Assert.Equal(PublisherSchema.Migrations.Count, (int)recorded);
    }
}
