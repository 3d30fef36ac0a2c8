using Lakehouse.Testing;

namespace Lakehouse.Medallion.Tests;

/// <summary>
/// The security checker on a real database migrated by Medallion (with Ingest and Geo): clean as migrated, then each planted
/// misconfiguration is reported as its own finding and disappears when undone. Tests of one class run one after another,
/// so each plants, checks and undoes on the shared database.
/// </summary>
public sealed class SecurityAuditorTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public async Task InitializeAsync() => await MedallionSchema.MigrateAsync(db.DataSource);

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<IReadOnlyList<SecurityFinding>> CheckAsync() => new SecurityAuditor(db.DataSource).CheckAsync();

    private async Task<IReadOnlyList<SecurityFinding>> PlantedAsync(string plant, string undo)
    {
        await db.ExecuteAsync(plant);
        try
        {
            return await CheckAsync();
        }
        finally
        {
            await db.ExecuteAsync(undo);
        }
    }

    private static string Show(IEnumerable<SecurityFinding> findings) => string.Join("\n", findings.Select(static f => $"{f.Kind} {f.ObjectName} {f.Role}: {f.Message}"));

    [Fact]
    public async Task CheckAsync_on_a_freshly_migrated_database_finds_nothing()
    {
        IReadOnlyList<SecurityFinding> findings = await CheckAsync();

        Assert.True(findings.Count == 0, Show(findings));
    }

    public static TheoryData<string, string, SecurityFindingKind, string, string?> Plants() => new()
    {
        { "ALTER TABLE scout.gold_daily_metrics DISABLE ROW LEVEL SECURITY", "ALTER TABLE scout.gold_daily_metrics ENABLE ROW LEVEL SECURITY",
            SecurityFindingKind.RlsDisabled, "scout.gold_daily_metrics", null },
        { "ALTER TABLE audit.events NO FORCE ROW LEVEL SECURITY", "ALTER TABLE audit.events FORCE ROW LEVEL SECURITY",
            SecurityFindingKind.RlsNotForced, "audit.events", null },
        { "CREATE TABLE scout.gold_scratch (id int)", "DROP TABLE scout.gold_scratch",
            SecurityFindingKind.RlsDisabled, "scout.gold_scratch", null },
        { "GRANT SELECT ON scout.bronze_transactions TO authenticated", "REVOKE SELECT ON scout.bronze_transactions FROM authenticated",
            SecurityFindingKind.ExcessPrivilege, "scout.bronze_transactions", "authenticated" },
        { "GRANT UPDATE ON scout.gold_daily_metrics TO authenticated", "REVOKE UPDATE ON scout.gold_daily_metrics FROM authenticated",
            SecurityFindingKind.ExcessPrivilege, "scout.gold_daily_metrics", "authenticated" },
        { "GRANT SELECT (store_id) ON scout.silver_quarantine TO authenticated", "REVOKE SELECT (store_id) ON scout.silver_quarantine FROM authenticated",
            SecurityFindingKind.ExcessPrivilege, "scout.silver_quarantine", "authenticated" },
        { "GRANT SELECT ON scout.dim_date TO anon", "REVOKE SELECT ON scout.dim_date FROM anon",
            SecurityFindingKind.ExcessPrivilege, "scout.dim_date", "anon" },
        { "GRANT SELECT ON scout.dim_date TO PUBLIC", "REVOKE SELECT ON scout.dim_date FROM PUBLIC",
            SecurityFindingKind.ExcessPrivilege, "scout.dim_date", "edge_uploader" },
        { "GRANT SELECT ON scout.bronze_rejects TO edge_uploader", "REVOKE SELECT ON scout.bronze_rejects FROM edge_uploader",
            SecurityFindingKind.ExcessPrivilege, "scout.bronze_rejects", "edge_uploader" },
        { "GRANT INSERT ON scout.silver_transactions TO edge_uploader", "REVOKE INSERT ON scout.silver_transactions FROM edge_uploader",
            SecurityFindingKind.ExcessPrivilege, "scout.silver_transactions", "edge_uploader" },
        { "GRANT UPDATE ON audit.events TO service_role", "REVOKE UPDATE ON audit.events FROM service_role",
            SecurityFindingKind.ExcessPrivilege, "audit.events", "service_role" },
        { "REVOKE DELETE ON scout.dq_results FROM service_role", "GRANT DELETE ON scout.dq_results TO service_role",
            SecurityFindingKind.MissingPrivilege, "scout.dq_results", "service_role" },
        { "ALTER POLICY service_all ON scout.dq_results TO authenticated", "ALTER POLICY service_all ON scout.dq_results TO service_role",
            SecurityFindingKind.MissingServicePolicy, "scout.dq_results", "service_role" },
        { "CREATE POLICY all_tenants ON scout.silver_transactions FOR SELECT TO authenticated USING (true)", "DROP POLICY all_tenants ON scout.silver_transactions",
            SecurityFindingKind.TenantNotIsolated, "scout.silver_transactions", "authenticated" },
        { "COMMENT ON COLUMN scout.dim_store.store_name IS 'pii: the owner''s name'", "COMMENT ON COLUMN scout.dim_store.store_name IS NULL",
            SecurityFindingKind.PiiReadable, "scout.dim_store.store_name", "authenticated" },
        { "GRANT SELECT (raw) ON scout.bronze_transactions TO authenticated", "REVOKE SELECT (raw) ON scout.bronze_transactions FROM authenticated",
            SecurityFindingKind.PiiReadable, "scout.bronze_transactions.raw", "authenticated" },
        { "CREATE FUNCTION scout.leak() RETURNS int LANGUAGE sql AS 'SELECT 1'", "DROP FUNCTION scout.leak()",
            SecurityFindingKind.FunctionCallableByAnon, "scout.leak()", "anon" },
        { "CREATE FUNCTION scout.definer(x int) RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT x'; REVOKE EXECUTE ON FUNCTION scout.definer(int) FROM PUBLIC",
            "DROP FUNCTION scout.definer(int)", SecurityFindingKind.SecurityDefinerWithoutSearchPath, "scout.definer(x integer)", null },
        { "CREATE VIEW scout.gold_leak AS SELECT * FROM scout.gold_daily_metrics; GRANT SELECT ON scout.gold_leak TO authenticated, service_role",
            "DROP VIEW scout.gold_leak", SecurityFindingKind.ViewBypassesRls, "scout.gold_leak", "authenticated" },
        { "CREATE MATERIALIZED VIEW scout.gold_snapshot AS SELECT * FROM scout.gold_daily_metrics; GRANT SELECT ON scout.gold_snapshot TO authenticated, service_role",
            "DROP MATERIALIZED VIEW scout.gold_snapshot", SecurityFindingKind.MaterializedViewReadable, "scout.gold_snapshot", "authenticated" },
        { "GRANT USAGE ON SCHEMA scout TO anon", "REVOKE USAGE ON SCHEMA scout FROM anon",
            SecurityFindingKind.ExcessPrivilege, "scout", "anon" },
        { "GRANT USAGE ON SEQUENCE scout.dq_results_id_seq TO authenticated", "REVOKE USAGE ON SEQUENCE scout.dq_results_id_seq FROM authenticated",
            SecurityFindingKind.ExcessPrivilege, "scout.dq_results_id_seq", "authenticated" },
        { "ALTER ROLE edge_uploader BYPASSRLS", "ALTER ROLE edge_uploader NOBYPASSRLS",
            SecurityFindingKind.RoleBypassesSecurity, "edge_uploader", "edge_uploader" },
    };

    [Theory]
    [MemberData(nameof(Plants))]
    public async Task CheckAsync_reports_a_planted_misconfiguration_as_its_own_finding(
        string plant, string undo, SecurityFindingKind kind, string objectName, string? role)
    {
        IReadOnlyList<SecurityFinding> findings = await PlantedAsync(plant, undo);

        Assert.True(findings.Any(f => f.Kind == kind && f.ObjectName == objectName && f.Role == role), Show(findings));
        Assert.Empty(await CheckAsync());
    }

    [Fact]
    public async Task CheckAsync_reports_two_plants_as_two_findings()
    {
        IReadOnlyList<SecurityFinding> findings = await PlantedAsync(
            "ALTER TABLE scout.platinum_features NO FORCE ROW LEVEL SECURITY; GRANT DELETE ON scout.platinum_features TO authenticated",
            "ALTER TABLE scout.platinum_features FORCE ROW LEVEL SECURITY; REVOKE DELETE ON scout.platinum_features FROM authenticated");

        Assert.Equal(
            [(SecurityFindingKind.RlsNotForced, (string?)null), (SecurityFindingKind.ExcessPrivilege, "authenticated")],
            findings.Select(static f => (f.Kind, f.Role)).ToArray());
    }

    [Fact]
    public async Task CheckAsync_checks_extra_schemas_when_asked()
    {
        await db.ExecuteAsync("CREATE SCHEMA IF NOT EXISTS extra; CREATE TABLE IF NOT EXISTS extra.things (id int)");
        var options = new SecurityAuditOptions();
        options.Schemas.Add("extra");

        IReadOnlyList<SecurityFinding> withExtra = await new SecurityAuditor(db.DataSource, options).CheckAsync();
        IReadOnlyList<SecurityFinding> without = await CheckAsync();
        await db.ExecuteAsync("DROP SCHEMA extra CASCADE");

        Assert.Contains(withExtra, f => f.Kind == SecurityFindingKind.RlsDisabled && f.ObjectName == "extra.things");
        Assert.Empty(without);
    }
}
