using Lakehouse.Medallion;
using Lakehouse.Testing;

namespace Lakehouse.Cli.Tests;

/// <summary>`lakehouse audit` on a database migrated by every package (the class fixture), then with planted misconfigurations.</summary>
public sealed class AuditCommandTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        var migrated = await CliRunner.RunAsync(DbCommands.Create(), "db", "migrate", "--connection", db.ConnectionString);
        Assert.Equal(0, migrated.ExitCode);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Audit_on_a_freshly_migrated_database_passes_with_exit_0()
    {
        var result = await CliRunner.RunAsync(AuditCommand.Create(), "audit", "--connection", db.ConnectionString);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("audit passed: no findings", result.Output, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string, string> Plants() => new()
    {
        { "ALTER TABLE publisher.subscriptions DISABLE ROW LEVEL SECURITY", "ALTER TABLE publisher.subscriptions ENABLE ROW LEVEL SECURITY",
            "rls-disabled", "publisher.subscriptions" },
        { "ALTER TABLE odoo.webhook_events NO FORCE ROW LEVEL SECURITY", "ALTER TABLE odoo.webhook_events FORCE ROW LEVEL SECURITY",
            "rls-not-forced", "odoo.webhook_events" },
        { "GRANT SELECT ON scout.bronze_transactions TO authenticated", "REVOKE SELECT ON scout.bronze_transactions FROM authenticated",
            "excess-privilege", "scout.bronze_transactions" },
        { "GRANT UPDATE ON scout.gold_daily_metrics TO authenticated", "REVOKE UPDATE ON scout.gold_daily_metrics FROM authenticated",
            "excess-privilege", "scout.gold_daily_metrics" },
        { "COMMENT ON COLUMN scout.dim_store.store_name IS 'pii: owner name'", "COMMENT ON COLUMN scout.dim_store.store_name IS NULL",
            "pii-readable", "scout.dim_store.store_name" },
        { "GRANT SELECT ON odoo_seed.shadow_account_moves TO authenticated", "REVOKE SELECT ON odoo_seed.shadow_account_moves FROM authenticated",
            "pii-readable", "odoo_seed.shadow_account_moves.partner_name" },
        { "CREATE FUNCTION catalog.peek() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM catalog.assets'", "DROP FUNCTION catalog.peek()",
            "function-callable-by-anon", "catalog.peek()" },
    };

    [Theory]
    [MemberData(nameof(Plants))]
    public async Task Audit_lists_a_planted_misconfiguration_and_exits_1(string plant, string undo, string kind, string objectName)
    {
        await db.ExecuteAsync(plant);
        (int ExitCode, string Output, string Error) result;
        try
        {
            result = await CliRunner.RunAsync(AuditCommand.Create(), "audit", "--connection", db.ConnectionString);
        }
        finally
        {
            await db.ExecuteAsync(undo);
        }

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(result.Output.Split('\n'), line => line.Contains(kind, StringComparison.Ordinal) && line.Contains(objectName, StringComparison.Ordinal));
        Assert.Contains("audit failed:", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_with_an_unreachable_database_exits_2()
    {
        var result = await CliRunner.RunAsync(AuditCommand.Create(), "audit", "--connection", "Host=127.0.0.1;Port=1;Username=nobody;Timeout=2");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cannot audit the database", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_checks_an_extra_schema_named_with_schema()
    {
        await db.ExecuteAsync("CREATE SCHEMA IF NOT EXISTS reporting; CREATE TABLE IF NOT EXISTS reporting.kpis (id int)");
        try
        {
            var result = await CliRunner.RunAsync(AuditCommand.Create(), "audit", "--connection", db.ConnectionString, "--schema", "reporting");
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("reporting.kpis", result.Output, StringComparison.Ordinal);
        }
        finally
        {
            await db.ExecuteAsync("DROP SCHEMA reporting CASCADE");
        }
    }
}
