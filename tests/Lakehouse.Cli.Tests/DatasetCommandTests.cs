using System.CommandLine;
using Lakehouse.Cli.Demo;
using Lakehouse.Testing;

namespace Lakehouse.Cli.Tests;

/// <summary><c>lakehouse export</c> and <c>lakehouse datasets …</c> against a real database filled by the demo.</summary>
public sealed class DatasetCommandTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        // Once per class: the database is shared by the tests of the class.
        if (await db.ScalarAsync<bool>("SELECT to_regclass('scout.silver_transactions') IS NOT NULL"))
        {
            return;
        }

        await DemoRunner.RunAsync(new DemoRequest(Directory.CreateTempSubdirectory("lh-ds-").FullName, 800, 6, new DateOnly(2026, 11, 20), 9, db.ConnectionString), null, CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Export_builtin_silver_writes_parquet_with_every_silver_row()
    {
        string dir = Directory.CreateTempSubdirectory("lh-export-").FullName;

        var (exit, output, error) = await CliRunner.RunAsync(DatasetCommands.Create().First(),
            "export", "--connection", db.ConnectionString, "--dataset", "silver_transactions", "--out", dir);

        Assert.True(exit == 0, error);
        Assert.Contains("exported 800 rows in 1 files", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir, "date_key=2026-11-20", "part-00000.parquet")));
    }

    [Fact]
    public async Task Export_publish_twice_then_list_diff_and_rollback()
    {
        string root = Directory.CreateTempSubdirectory("lh-publish-").FullName;
        Command export = DatasetCommands.Create().First();
        Command datasets = DatasetCommands.Create().Last();

        var first = await CliRunner.RunAsync(export, "export", "-c", db.ConnectionString, "-d", "gold_daily_metrics", "-o", root, "--publish", "--version", "2.0.0");
        var second = await CliRunner.RunAsync(export, "export", "-c", db.ConnectionString, "-d", "gold_daily_metrics", "-o", root, "--publish", "--version", "2.0.1");
        var stale = await CliRunner.RunAsync(export, "export", "-c", db.ConnectionString, "-d", "gold_daily_metrics", "-o", root, "--publish", "--version", "2.0.1");
        var list = await CliRunner.RunAsync(datasets, "datasets", "list", "--root", root);
        var diff = await CliRunner.RunAsync(datasets, "datasets", "diff", "--root", root, "gold_daily_metrics", "2.0.0", "2.0.1");
        var rollback = await CliRunner.RunAsync(datasets, "datasets", "rollback", "--root", root, "gold_daily_metrics", "2.0.0", "-c", db.ConnectionString);
        var after = await CliRunner.RunAsync(datasets, "datasets", "list", "--root", root);

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("published gold_daily_metrics 2.0.0: 6 rows", first.Output, StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
        Assert.NotEqual(0, stale.ExitCode);
        Assert.Contains("current 2.0.1\tversions 2.0.0, 2.0.1", list.Output, StringComparison.Ordinal);
        Assert.Contains("rows 6 -> 6", diff.Output, StringComparison.Ordinal);
        Assert.Contains("schema unchanged", diff.Output, StringComparison.Ordinal);
        Assert.True(rollback.ExitCode == 0, rollback.Error);
        Assert.Contains("current 2.0.0", after.Output, StringComparison.Ordinal);
    }
}
