using System.Text;
using Lakehouse.Medallion;
using Lakehouse.Odoo;
using Lakehouse.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Lakehouse.Samples.Worker.Tests;

/// <summary>Odoo events, restarts, and start-up errors.</summary>
public sealed class WorkerLifecycleTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Odoo_event_stored_is_processed_by_the_worker()
    {
        IHost worker = await WorkerHarness.StartAsync(db, new Dictionary<string, string?>
        {
            ["Lakehouse:Worker:Odoo:LogEventTypes:0"] = "project.task.updated",
        });
        try
        {
            OdooEventStore store = worker.Services.GetRequiredService<OdooEventStore>();
            OdooAppendResult stored = await store.AppendAsync(Encoding.UTF8.GetBytes(
                """{"event_id":"evt-1","event_type":"project.task.updated","aggregate_type":"project.task","aggregate_id":"42","payload":{"name":"Restock"}}"""));
            Assert.Equal(OdooAppendOutcome.Stored, stored.Outcome);

            await WorkerHarness.WaitUntilAsync(async () =>
                await db.ScalarAsync<string>($"SELECT status FROM odoo.webhook_events WHERE id = {stored.EventId}") == "completed",
                "the Odoo event to be completed");
            Assert.Equal(1, await db.ScalarAsync<int>($"SELECT attempts FROM odoo.webhook_events WHERE id = {stored.EventId}"));
        }
        finally
        {
            await WorkerHarness.StopAsync(worker);
        }
    }

    [Fact]
    public async Task Worker_stopped_mid_run_and_restarted_loses_nothing()
    {
        // Small batches: the pass over 1,500 rows commits ~75 batches, and the worker is stopped after the first ones.
        var settings = new Dictionary<string, string?> { ["Lakehouse:Medallion:BatchSize"] = "20" };
        IHost first = await WorkerHarness.StartAsync(db, settings);
        await WorkerHarness.WaitUntilAsync(() => first.Status().Listening, "the first worker to listen");
        await WorkerHarness.LoadAsync(db, first: 20_000, count: 1500, seed: 31);
        await WorkerHarness.WaitUntilAsync(async () =>
            await db.ScalarAsync<long?>("SELECT last_bronze_id FROM scout.medallion_watermarks") > 0, "a first committed batch");
        await WorkerHarness.StopAsync(first);

        // Loaded while no worker runs: nobody hears the notification.
        await WorkerHarness.LoadAsync(db, first: 30_000, count: 300, seed: 32);

        IHost second = await WorkerHarness.StartAsync(db, settings);
        try
        {
            await WorkerHarness.AssertCaughtUpWithNothingLostAsync(db);
        }
        finally
        {
            await WorkerHarness.StopAsync(second);
        }
    }

    [Fact]
    public void Build_without_a_connection_string_fails_with_a_clear_message()
    {
        WorkerStartupException e = Assert.Throws<WorkerStartupException>(() => WorkerApp.Build([], builder =>
        {
            builder.Configuration.Sources.Clear();
        }));
        Assert.Contains("Lakehouse:ConnectionString", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_with_a_bad_cron_and_an_unknown_dataset_fails_naming_each_setting()
    {
        using IHost worker = WorkerHarness.Build(db, new Dictionary<string, string?>
        {
            ["Lakehouse:Publisher:Root"] = Path.GetTempPath(),
            ["Lakehouse:Worker:Medallion:Schedule"] = "every minute",
            ["Lakehouse:Worker:Datasets:0:Name"] = "no_such_dataset",
            ["Lakehouse:Worker:Datasets:0:Schedule"] = "0 2 * * *",
        });
        OptionsValidationException e = await Assert.ThrowsAsync<OptionsValidationException>(() => worker.StartAsync());
        Assert.Contains(e.Failures, f => f.Contains("Lakehouse:Worker:Medallion:Schedule", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("Lakehouse:Worker:Datasets:0:Name", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_on_an_unreachable_database_fails_with_a_clear_message()
    {
        using IHost worker = WorkerHarness.Build(db, new Dictionary<string, string?>
        {
            ["Lakehouse:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=postgres;Database=nothing;Timeout=3",
        });
        WorkerStartupException e = await Assert.ThrowsAsync<WorkerStartupException>(() => worker.StartAsync());
        Assert.Contains("Cannot use the database", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_without_migrate_on_an_empty_database_names_the_fix()
    {
        var empty = new PostgresDatabase();
        await empty.InitializeAsync();
        try
        {
            using IHost worker = WorkerHarness.Build(empty, new Dictionary<string, string?> { ["Lakehouse:Migrate"] = "false" });
            WorkerStartupException e = await Assert.ThrowsAsync<WorkerStartupException>(() => worker.StartAsync());
            Assert.Contains("Lakehouse:Migrate=true", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            await empty.DisposeAsync();
        }
    }
}
