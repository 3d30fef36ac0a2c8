using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Lakehouse.Medallion;
using Lakehouse.Testing;

namespace Lakehouse.Cli.Tests;

public sealed class ClustersCommandTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Clusters_prints_the_profiles_a_run_stored_and_says_so_when_there_are_none()
    {
        await CliRunner.RunAsync(DbCommands.Create(), "db", "migrate", "--connection", db.ConnectionString);
        var before = await CliRunner.RunAsync(ClustersCommand.Create(), "clusters", "--connection", db.ConnectionString);

        for (int i = 0; i < 60; i++)
        {
            // Two kinds of baskets: small morning cash snacks, big evening gcash household.
            bool big = i % 3 == 0;
            string id = i.ToString(CultureInfo.InvariantCulture);
            string raw = big
                ? $$"""{"store_id":"S1","transaction_id":"b{{id}}","ts":"2026-11-21T19:{{i % 60:00}}:00+08:00","peso_value":900,"payment_method":"gcash","items":[{"sku":"H1","category":"household","qty":6,"unit_price":150}]}"""
                : $$"""{"store_id":"S1","transaction_id":"s{{id}}","ts":"2026-11-21T08:{{i % 60:00}}:00+08:00","peso_value":25,"payment_method":"cash","items":[{"sku":"N1","category":"snacks","qty":1,"unit_price":25}]}""";
            await using var insert = db.DataSource.CreateCommand("INSERT INTO scout.bronze_transactions (store_id, event_hash, raw) VALUES ('S1', $1, $2)");
            insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = SHA256.HashData(Encoding.UTF8.GetBytes(raw)) });
            insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = raw });
            await insert.ExecuteNonQueryAsync();
        }

        Command run = MedallionCommands.Create().Single(c => c.Name == "run");
        Assert.Equal(0, (await CliRunner.RunAsync(run, "run", "--connection", db.ConnectionString, "--customer-key", "t1:" + Convert.ToBase64String(new byte[32]))).ExitCode);
        var printed = await CliRunner.RunAsync(ClustersCommand.Create(), "clusters", "--connection", db.ConnectionString);
        var otherTenant = await CliRunner.RunAsync(ClustersCommand.Create(), "clusters", "--connection", db.ConnectionString, "--tenant", "nobody");

        Assert.Equal(0, before.ExitCode);
        Assert.Contains("no basket clusters yet", before.Output, StringComparison.Ordinal);
        Assert.Equal(0, printed.ExitCode);
        IReadOnlyList<BasketClusterProfile> profiles = await BasketClustering.ReadProfilesAsync(db.DataSource);
        Assert.Equal(2, profiles.Count);
        Assert.Contains("small basket, morning, cash, snacks", printed.Output, StringComparison.Ordinal);
        Assert.Contains("big basket, evening, gcash, household", printed.Output, StringComparison.Ordinal);
        Assert.Contains("66.7%", printed.Output, StringComparison.Ordinal); // 40 of 60 transactions
        Assert.Contains("2 cluster(s), as of 2026-11-21", printed.Output, StringComparison.Ordinal);
        Assert.Contains("no basket clusters yet", otherTenant.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clusters_on_an_unmigrated_database_fails_with_advice()
    {
        var fresh = new PostgresDatabase();
        await fresh.InitializeAsync();
        try
        {
            var result = await CliRunner.RunAsync(ClustersCommand.Create(), "clusters", "--connection", fresh.ConnectionString);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("lakehouse db migrate", result.Error, StringComparison.Ordinal);
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }
}
