using Lakehouse.Testing;

namespace Lakehouse.Odoo.Tests;

public sealed class OdooSchemaTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task MigrateAsync_twice_applies_once_then_nothing()
    {
        IReadOnlyList<string> first = await OdooSchema.MigrateAsync(db.DataSource);
        IReadOnlyList<string> second = await OdooSchema.MigrateAsync(db.DataSource);

        Assert.Contains(first, m => m.StartsWith("odoo V0001__", StringComparison.Ordinal));
        Assert.Empty(second);
        long recorded = await db.ScalarAsync<long>("SELECT count(*) FROM lakehouse.schema_history WHERE component = 'odoo'");
        Assert.Equal(OdooSchema.Migrations.Count, (int)recorded);
    }
}
