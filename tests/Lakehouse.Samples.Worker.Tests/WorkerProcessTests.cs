using System.Diagnostics;
using Lakehouse.Medallion;
using Lakehouse.Testing;

namespace Lakehouse.Samples.Worker.Tests;

/// <summary>The worker as a real process, killed with SIGKILL in the middle of a pass.</summary>
public sealed class WorkerProcessTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly string _cwd = Directory.CreateTempSubdirectory("lh-worker-proc-").FullName;

    public void Dispose() => Directory.Delete(_cwd, recursive: true);

    [Fact]
    public async Task Worker_process_killed_mid_pass_and_restarted_loses_nothing()
    {
        await MedallionSchema.MigrateAsync(db.DataSource);
        // 3,000 rows in batches of 10: the start-up pass commits ~300 transactions, and the kill lands among them.
        await WorkerHarness.LoadAsync(db, first: 0, count: 3000, seed: 41);

        using (Process first = StartWorker())
        {
            try
            {
                await WorkerHarness.WaitUntilAsync(async () =>
                    await db.ScalarAsync<long?>("SELECT last_bronze_id FROM scout.medallion_watermarks") > 0, "a first committed batch");
            }
            finally
            {
                first.Kill(entireProcessTree: true); // SIGKILL: no shutdown, the batch in flight dies with the connection
                await first.WaitForExitAsync();
            }
        }

        // The kill landed mid-pass (the pass needs ~300 commits; the kill follows the first within a poll).
        Assert.InRange(await db.ScalarAsync<long>("SELECT last_bronze_id FROM scout.medallion_watermarks"), 1, 2999);
        await WorkerHarness.LoadAsync(db, first: 10_000, count: 300, seed: 42); // nobody listening

        using Process second = StartWorker();
        try
        {
            await WorkerHarness.AssertCaughtUpWithNothingLostAsync(db);
        }
        finally
        {
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync();
        }
    }

    private Process StartWorker()
    {
        // A working directory without appsettings.json: the configuration is the command line only.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = _cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Lakehouse.Samples.Worker.dll"));
        foreach (string arg in new[]
        {
            $"--Lakehouse:ConnectionString={db.ConnectionString}",
            "--Lakehouse:Migrate=true",
            "--Lakehouse:Medallion:BatchSize=10",
            "--Lakehouse:Medallion:CustomerKey:KeyId=" + WorkerHarness.Keyed().CustomerKey!.KeyId,
            "--Lakehouse:Medallion:CustomerKey:Secret=" + Convert.ToBase64String(WorkerHarness.Keyed().CustomerKey!.Secret),
            "--Lakehouse:Worker:Medallion:Debounce=00:00:00.200",
            "--Lakehouse:Worker:Medallion:SafetyInterval=01:00:00",
            "--Logging:LogLevel:Default=Warning",
        })
        {
            start.ArgumentList.Add(arg);
        }

        Process process = Process.Start(start)!;
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
