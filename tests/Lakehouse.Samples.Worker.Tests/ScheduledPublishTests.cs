using Lakehouse.Publisher;
using Lakehouse.Testing;
using Microsoft.Extensions.Hosting;

namespace Lakehouse.Samples.Worker.Tests;

/// <summary>Scheduled publishing across restarts.</summary>
public sealed class ScheduledPublishTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lh-worker-pub-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Restarted_worker_catches_up_the_missed_daily_slot_once_and_not_again()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Lakehouse:Publisher:Root"] = _root,
            ["Lakehouse:Worker:Datasets:0:Name"] = "gold_daily_metrics",
            ["Lakehouse:Worker:Datasets:0:Schedule"] = "0 2 * * *", // daily at 02:00 Philippine time: always one slot in the last day
        };

        IHost first = await WorkerHarness.StartAsync(db, settings);
        WorkerStatus firstStatus = first.Status();
        try
        {
            await WorkerHarness.WaitUntilAsync(() => firstStatus.DatasetVersionsPublished == 1, "the catch-up publish");
        }
        finally
        {
            await WorkerHarness.StopAsync(first);
        }

        IHost second = await WorkerHarness.StartAsync(db, settings);
        WorkerStatus secondStatus = second.Status();
        try
        {
            await WorkerHarness.WaitUntilAsync(() => secondStatus.DatasetPublishesSkipped == 1, "the second worker to find the slot published");
        }
        finally
        {
            await WorkerHarness.StopAsync(second);
        }

        var store = new DatasetStore(_root);
        string version = Assert.Single(store.ListVersions("gold_daily_metrics"));
        Assert.Equal("1.0.0", version);
        DateTimeOffset slot = ScheduledPublishService.ParseSlot(store.ReadManifest("gold_daily_metrics", version).Watermark)!.Value;
        Assert.Equal(TimeSpan.FromHours(18), slot.TimeOfDay); // 02:00 in Manila is 18:00 UTC
        Assert.Equal(0, secondStatus.DatasetVersionsPublished);
    }
}
