using Lakehouse.Geo;
using Lakehouse.Ingest;
using Lakehouse.Testing;

namespace Lakehouse.Medallion.Tests;

/// <summary>The shared migrator records migrations in audit.events; Geo, which migrates without Ingest, is backfilled.</summary>
public sealed class AuditTrailMigrationTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Geo_migrated_before_the_audit_trail_is_backfilled_then_later_migrations_are_recorded_live()
    {
        IReadOnlyList<string> geo = await GeoSchema.MigrateAsync(db.DataSource);
        Assert.Null(await db.ScalarAsync<string>("SELECT to_regclass('audit.events')::text"));

        IReadOnlyList<string> rest = await MedallionSchema.MigrateAsync(db.DataSource);

        IReadOnlyList<AuditEntry> recorded = await new AuditLog(db.DataSource).ReadLatestAsync(AuditActions.MigrationApply, 1000);
        Assert.Equal(geo.Concat(rest).Order(StringComparer.Ordinal), recorded.Select(static e => e.Target!).Order(StringComparer.Ordinal));
        Assert.All(recorded.Where(static e => e.Target!.StartsWith("geo ", StringComparison.Ordinal)),
            static e => Assert.Contains("\"backfilled\": true", e.Details, StringComparison.Ordinal));
        Assert.All(recorded.Where(static e => e.Target!.StartsWith("medallion ", StringComparison.Ordinal)),
            static e => Assert.DoesNotContain("backfilled", e.Details, StringComparison.Ordinal));
        Assert.Equal(recorded.Count, (int)await db.ScalarAsync<long>("SELECT count(*) FROM lakehouse.schema_history"));
    }
}
