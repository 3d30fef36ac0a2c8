using System.CommandLine;
using Lakehouse.Cli;
using Lakehouse.Testing;

namespace Lakehouse.Ingest.Tests;

public sealed class IngestCommandTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lh-cli-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var root = new RootCommand { IngestCommand.Create() };
        var output = new StringWriter();
        int exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = output });
        return (exit, output.ToString());
    }

    [Fact]
    public async Task Ingest_directory_migrates_loads_recursively_and_prints_summary_replay_inserts_nothing()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "sub"));
        byte[] corpus = TransactionCorpus.Bytes(200, seed: 7, replayShare: 0);
        await File.WriteAllBytesAsync(Path.Combine(_dir, "a.jsonl"), corpus);
        await File.WriteAllTextAsync(Path.Combine(_dir, "sub", "b.jsonl"), "{\"store_id\":\"1\",\"peso_value\":1}\nbroken\n");
        await File.WriteAllTextAsync(Path.Combine(_dir, "sub", "ignored.txt"), "x");

        (int exit, string output) = await RunAsync("ingest", _dir, "--connection", db.ConnectionString);
        (int exit2, string output2) = await RunAsync("ingest", _dir, "--connection", db.ConnectionString);

        Assert.Equal(1, exit); // a rejected line makes the exit code 1
        Assert.Contains("files 2, lines 202, valid 201, rejected 1, inserted 201, duplicates 0, ", output, StringComparison.Ordinal);
        Assert.Contains("records/s", output, StringComparison.Ordinal);
        Assert.Equal(1, exit2);
        Assert.Contains("lines 202, valid 201, rejected 1, inserted 0, duplicates 201", output2, StringComparison.Ordinal);
        Assert.Equal(201L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions"));
    }

    [Fact]
    public async Task Ingest_missing_path_fails_with_exit_code_2()
    {
        (int exit, string output) = await RunAsync("ingest", Path.Combine(_dir, "nope.jsonl"), "--connection", db.ConnectionString);
        Assert.Equal(2, exit);
        Assert.Contains("no such file or directory", output, StringComparison.Ordinal);
    }
}
