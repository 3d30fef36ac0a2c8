using Lakehouse.Medallion;
using Lakehouse.Publisher;
using Lakehouse.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Lakehouse.Samples.Worker.Tests;

/// <summary>Two workers side by side on one database: no pass or slot is done twice.</summary>
public sealed class TwoWorkerTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lh-worker-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Two_workers_over_several_loads_end_with_gold_equal_to_one_in_memory_recompute()
    {
        var settings = new Dictionary<string, string?> { ["Lakehouse:Medallion:BatchSize"] = "70" };
        IHost a = await WorkerHarness.StartAsync(db, settings);
        IHost b = await WorkerHarness.StartAsync(db, settings);
        try
        {
            // Bursts of loads of different sizes, some while a pass is running on the other worker.
            int first = 0;
            foreach ((int count, int seed) in new[] { (150, 11), (5, 12), (400, 13), (1, 14), (90, 15), (260, 16) })
            {
                await WorkerHarness.LoadAsync(db, first, count, seed);
                first += count;
                await Task.Delay(50);
            }

            await WorkerHarness.WaitForGoldToCatchUpAsync(db);
            long bronze = await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions");

            // Every bronze row was applied by exactly one committed batch of one worker…
            await WorkerHarness.WaitUntilAsync(() => a.Status().BronzeRowsProcessed + b.Status().BronzeRowsProcessed == bronze,
                "the workers' counts of applied rows to settle");
            Assert.Equal(bronze, a.Status().BronzeRowsProcessed + b.Status().BronzeRowsProcessed);
            Assert.Equal(bronze, await db.ScalarAsync<long>(
                "SELECT (SELECT count(DISTINCT bronze_id) FROM scout.silver_transactions) + (SELECT count(DISTINCT bronze_id) FROM scout.silver_quarantine)"));
            Assert.Equal(bronze, await db.ScalarAsync<long>(
                "SELECT (SELECT count(*) FROM scout.silver_transactions) + (SELECT count(*) FROM scout.silver_quarantine)"));

            // …and the tables equal one full recompute in memory (a batch applied twice would double gold).
            await WorkerHarness.AssertEqualsRecomputeAsync(db);
        }
        finally
        {
            await Task.WhenAll(WorkerHarness.StopAsync(a), WorkerHarness.StopAsync(b));
        }
    }

    [Fact]
    public async Task Two_workers_publish_each_scheduled_slot_once()
    {
        // Gold exists before the workers start, so every scheduled version exports the same rows.
        await MedallionSchema.MigrateAsync(db.DataSource);
        await WorkerHarness.LoadAsync(db, first: 5000, count: 50, seed: 21);
        await new MedallionRunner(db.DataSource, null, Options.Create(WorkerHarness.Keyed())).RunAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Lakehouse:Publisher:Root"] = _root,
            ["Lakehouse:Worker:Datasets:0:Name"] = "gold_daily_metrics",
            ["Lakehouse:Worker:Datasets:0:Schedule"] = "*/2 * * * * *", // every two seconds
            ["Lakehouse:Worker:Datasets:0:Version"] = "2.0.0",
        };
        IHost a = await WorkerHarness.StartAsync(db, settings);
        IHost b = await WorkerHarness.StartAsync(db, settings);
        WorkerStatus statusA = a.Status(), statusB = b.Status();
        try
        {
            await WorkerHarness.WaitUntilAsync(async () =>
                await db.ScalarAsync<long>("SELECT count(*) FROM publisher.dataset_versions WHERE dataset = 'gold_daily_metrics'") >= 4,
                "four scheduled versions");
        }
        finally
        {
            await Task.WhenAll(WorkerHarness.StopAsync(a), WorkerHarness.StopAsync(b));
        }

        var store = new DatasetStore(_root);
        IReadOnlyList<string> versions = store.ListVersions("gold_daily_metrics");
        List<DatasetManifest> manifests = [.. versions.Select(v => store.ReadManifest("gold_daily_metrics", v))];
        Assert.True(versions.Count >= 4);
        Assert.Equal("2.0.0", versions[0]);
        Assert.Equal(versions.Count, manifests.Select(m => m.Watermark).Distinct().Count()); // one version per slot
        Assert.All(manifests, m => Assert.NotNull(ScheduledPublishService.ParseSlot(m.Watermark)));
        Assert.Equal(manifests.Select(m => ScheduledPublishService.ParseSlot(m.Watermark)).Order(), manifests.Select(m => ScheduledPublishService.ParseSlot(m.Watermark)));
        Assert.Equal(versions.Count, statusA.DatasetVersionsPublished + statusB.DatasetVersionsPublished);
        Assert.Equal((long)versions.Count, await db.ScalarAsync<long>("SELECT count(*) FROM publisher.dataset_versions WHERE dataset = 'gold_daily_metrics'"));
        Assert.All(manifests, m => Assert.Equal(
            manifests[0].Rows, m.Rows)); // the same gold each time: nothing loaded meanwhile
        Assert.True(manifests[0].Rows > 0);
    }
}
