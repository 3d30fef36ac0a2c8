using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using Lakehouse.Testing;

namespace Lakehouse.Cli.Tests;

public sealed class DbAndMedallionCommandTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Db_migrate_applies_every_package_then_reports_up_to_date()
    {
        var fresh = new PostgresDatabase();
        await fresh.InitializeAsync();
        (int ExitCode, string Output, string Error) first, second;
        try
        {
            first = await CliRunner.RunAsync(DbCommands.Create(), "db", "migrate", "--connection", fresh.ConnectionString);
            second = await CliRunner.RunAsync(DbCommands.Create(), "db", "migrate", "--connection", fresh.ConnectionString);
        }
        finally
        {
            await fresh.DisposeAsync();
        }

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("applied ingest V0001__init", first.Output, StringComparison.Ordinal);
        Assert.Contains("applied medallion V0002__layers", first.Output, StringComparison.Ordinal);
        Assert.Contains("applied odoo V0002__event_store", first.Output, StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("database is up to date", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Db_migrate_without_connection_is_a_usage_error()
    {
        string? saved = Environment.GetEnvironmentVariable(CommonOptions.ConnectionVariable);
        Environment.SetEnvironmentVariable(CommonOptions.ConnectionVariable, null);
        try
        {
            var result = await CliRunner.RunAsync(DbCommands.Create(), "db", "migrate");
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("--connection is required", result.Error, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(CommonOptions.ConnectionVariable, saved);
        }
    }

    [Fact]
    public async Task Run_then_gold_prints_the_days_gold_from_a_real_database()
    {
        await CliRunner.RunAsync(DbCommands.Create(), "db", "migrate", "--connection", db.ConnectionString);
        foreach (string raw in new[]
        {
            """{"store_id":"S1","transaction_id":"a","ts":"2026-11-21T09:00:00+08:00","peso_value":150.50}""",
            """{"store_id":"S1","transaction_id":"b","ts":"2026-11-21T19:00:00+08:00","peso_value":49.50}""",
            """{"store_id":"S2","transaction_id":"c","ts":"2026-11-21T23:30:00+08:00","peso_value":10}""",
        })
        {
            await using var insert = db.DataSource.CreateCommand("INSERT INTO scout.bronze_transactions (store_id, event_hash, raw) VALUES ($1, $2, $3)");
            insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = raw.Contains("S1", StringComparison.Ordinal) ? "S1" : "S2" });
            insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = SHA256.HashData(Encoding.UTF8.GetBytes(raw)) });
            insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = raw });
            await insert.ExecuteNonQueryAsync();
        }

        Command run = MedallionCommands.Create().Single(c => c.Name == "run");
        Command gold = MedallionCommands.Create().Single(c => c.Name == "gold");
        var ran = await CliRunner.RunAsync(run, "run", "--connection", db.ConnectionString,
            "--customer-key", "test-1:" + Convert.ToBase64String(new byte[32]));
        var printed = await CliRunner.RunAsync(gold, "gold", "--connection", db.ConnectionString, "--date", "2026-11-21");
        var badDate = await CliRunner.RunAsync(gold, "gold", "--connection", db.ConnectionString, "--date", "21/11/2026");

        Assert.Equal(0, ran.ExitCode);
        Assert.Contains("silver inserted", ran.Output, StringComparison.Ordinal);
        Assert.Equal(0, printed.ExitCode);
        Assert.Contains("200.00", printed.Output, StringComparison.Ordinal);
        Assert.Contains("2 store(s) on 2026-11-21", printed.Output, StringComparison.Ordinal);
        Assert.Equal(2, badDate.ExitCode);
        Assert.Contains("is not yyyy-MM-dd", badDate.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_customer_key_moves_a_tenants_pseudonyms_and_the_old_key_is_refused_after()
    {
        await Lakehouse.Medallion.MedallionSchema.MigrateAsync(db.DataSource);
        await db.ExecuteAsync("INSERT INTO scout.dim_store (store_id, tenant_id, store_name) VALUES ('R1', 'cli-tenant', 'Rotation store') ON CONFLICT DO NOTHING");
        string raw = """{"store_id":"R1","transaction_id":"r1","ts":"2026-11-20T09:00:00+08:00","peso_value":20,"customer_id":"0917-123-4567"}""";
        await using (var insert = db.DataSource.CreateCommand("INSERT INTO scout.bronze_transactions (store_id, event_hash, raw) VALUES ('R1', $1, $2)"))
        {
            insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = SHA256.HashData(Encoding.UTF8.GetBytes(raw)) });
            insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = raw });
            await insert.ExecuteNonQueryAsync();
        }

        string oldKey = "cli-1:" + Convert.ToBase64String(new byte[32]), newKey = "cli-2:" + Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray());
        Command run = MedallionCommands.Create().Single(c => c.Name == "run");
        Command rotate = MedallionCommands.Create().Single(c => c.Name == "rotate-customer-key");
        var noKey = await CliRunner.RunAsync(run, "run", "--connection", db.ConnectionString, "--customer-key", "");
        var ran = await CliRunner.RunAsync(run, "run", "--connection", db.ConnectionString, "--customer-key", oldKey);
        var rotated = await CliRunner.RunAsync(rotate, "rotate-customer-key", "--connection", db.ConnectionString, "--tenant", "cli-tenant", "--new-customer-key", newKey);

        Assert.NotEqual(0, noKey.ExitCode);
        Assert.Contains("--customer-key is required", noKey.Error, StringComparison.Ordinal);
        Assert.Equal(0, ran.ExitCode);
        Assert.Equal(0, rotated.ExitCode);
        Assert.Contains("key cli-1 -> cli-2", rotated.Output, StringComparison.Ordinal);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.silver_transactions WHERE tenant_id = 'cli-tenant' AND customer_id NOT LIKE 'c:cli-2:%'"));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.silver_transactions WHERE tenant_id = 'cli-tenant'"));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.silver_transactions WHERE customer_id LIKE '%4567%'"));
    }
}
