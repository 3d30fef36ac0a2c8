using Lakehouse.Testing;
using Microsoft.Extensions.Hosting;

namespace Lakehouse.Samples.Worker.Tests;

/// <summary>Medallion passes woken by <c>NOTIFY lakehouse_bronze</c>, and the listener's reconnect.</summary>
public sealed class MedallionTriggerTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Bronze_load_wakes_the_worker_through_notify_and_gold_appears()
    {
        // No schedule and a one-hour safety interval: after the start-up pass only a notification can start a pass.
        IHost worker = await WorkerHarness.StartAsync(db);
        try
        {
            WorkerStatus status = worker.Status();
            await WorkerHarness.WaitUntilAsync(() => status.MedallionPasses >= 1 && status.Listening, "the start-up pass and the listener");
            long passesBefore = status.MedallionPasses;

            await WorkerHarness.LoadAsync(db, first: 0, count: 300, seed: 1);
            await WorkerHarness.WaitForGoldToCatchUpAsync(db);

            await WorkerHarness.WaitUntilAsync(() => status.MedallionPasses > passesBefore, "the pass to finish");
            Assert.True(status.Notifications >= 1);
            await WorkerHarness.AssertEqualsRecomputeAsync(db);
        }
        finally
        {
            await WorkerHarness.StopAsync(worker);
        }
    }

    [Fact]
    public async Task Burst_of_loads_within_the_debounce_is_coalesced_into_fewer_passes()
    {
        IHost worker = await WorkerHarness.StartAsync(db, new Dictionary<string, string?>
        {
            ["Lakehouse:Worker:Medallion:Debounce"] = "00:00:05",
        });
        try
        {
            WorkerStatus status = worker.Status();
            await WorkerHarness.WaitUntilAsync(() => status.MedallionPasses >= 1 && status.Listening, "the start-up pass and the listener");
            long passesBefore = status.MedallionPasses;

            for (int i = 0; i < 10; i++)
            {
                await WorkerHarness.LoadAsync(db, first: 50_000 + (i * 3), count: 3, seed: 100 + i);
            }

            await WorkerHarness.WaitForGoldToCatchUpAsync(db);
            await WorkerHarness.WaitUntilAsync(() => status.Notifications >= 10 && status.MedallionPasses > passesBefore, "ten notifications and a pass");
            Assert.InRange(status.MedallionPasses - passesBefore, 1, status.Notifications - 1);
            await WorkerHarness.AssertEqualsRecomputeAsync(db);
        }
        finally
        {
            await WorkerHarness.StopAsync(worker);
        }
    }

    [Fact]
    public async Task Listener_connection_killed_reconnects_and_the_next_load_reaches_gold()
    {
        IHost worker = await WorkerHarness.StartAsync(db);
        try
        {
            WorkerStatus status = worker.Status();
            await WorkerHarness.WaitUntilAsync(() => status.MedallionPasses >= 1 && status.ListenerConnections == 1, "the first listener connection");

            int killed = await db.ScalarAsync<int>($"""
                SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = '{BronzeListenerService.ApplicationName}'
                """);
            Assert.Equal(1, killed);
            await WorkerHarness.WaitUntilAsync(() => status.ListenerConnections >= 2 && status.Listening, "the listener to reconnect");
            long notificationsBefore = status.Notifications;

            await WorkerHarness.LoadAsync(db, first: 1000, count: 200, seed: 2);
            await WorkerHarness.WaitForGoldToCatchUpAsync(db);

            Assert.True(status.Notifications > notificationsBefore); // the reconnected listener heard the load
            await WorkerHarness.AssertEqualsRecomputeAsync(db);
        }
        finally
        {
            await WorkerHarness.StopAsync(worker);
        }
    }
}

/// <summary>The coalescing signal behind the debounce.</summary>
public sealed class MedallionSignalTests
{
    [Fact]
    public async Task WaitAsync_after_many_signals_wakes_once()
    {
        var signal = new MedallionSignal();
        for (int i = 0; i < 100; i++)
        {
            signal.Signal();
        }

        Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System, CancellationToken.None));
        Assert.False(await signal.WaitAsync(TimeSpan.Zero, TimeProvider.System, CancellationToken.None));
    }

    [Fact]
    public async Task WaitAsync_without_a_signal_returns_false_when_the_time_runs_out()
    {
        var signal = new MedallionSignal();
        Assert.False(await signal.WaitAsync(TimeSpan.FromMilliseconds(50), TimeProvider.System, CancellationToken.None));
        signal.Signal();
        signal.Clear();
        Assert.False(await signal.WaitAsync(TimeSpan.Zero, TimeProvider.System, CancellationToken.None));
    }
}
