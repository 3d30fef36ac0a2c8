using System.Collections.Concurrent;
using System.Text;
using Lakehouse.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lakehouse.Odoo.Tests;

public sealed class EventStoreTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new();

    public async Task InitializeAsync()
    {
        await OdooSchema.MigrateAsync(db.DataSource);
        await db.ExecuteAsync("TRUNCATE odoo.webhook_events CASCADE");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static byte[] Body(string eventType, string aggregateId, string? eventId = null, string payload = """{"name":"Task"}""") =>
        Encoding.UTF8.GetBytes(
            $$"""{"event_type":"{{eventType}}","aggregate_type":"project.task","aggregate_id":{{aggregateId}},"payload":{{payload}}{{(eventId is null ? "" : $",\"event_id\":\"{eventId}\"")}}}""");

    private OdooEventStore Store(int maxAttempts = 3) =>
        new(db.DataSource, Options.Create(new OdooOptions { MaxAttempts = maxAttempts, LeaseDuration = TimeSpan.FromMinutes(1) }), _time);

    private (OdooEventProcessor Processor, ServiceProvider Services) Processor(OdooEventStore store, Func<OdooEvent, Task> handle, int maxAttempts = 3)
    {
        var services = new ServiceCollection();
        services.AddSingleton(new DelegateHandler.Callback(handle));
        services.AddScoped<DelegateHandler>();
        ServiceProvider provider = services.BuildServiceProvider();
        var processor = new OdooEventProcessor(
            store, provider.GetRequiredService<IServiceScopeFactory>(),
            [new OdooHandlerRegistration("project.task.updated", typeof(DelegateHandler))],
            Options.Create(new OdooOptions { MaxAttempts = maxAttempts, BatchSize = 7, LeaseDuration = TimeSpan.FromMinutes(1) }));
        return (processor, provider);
    }

    [Fact]
    public async Task AppendAsync_same_body_twice_is_stored_once()
    {
        OdooEventStore store = Store();
        byte[] body = Body("project.task.updated", "42");

        OdooAppendResult first = await store.AppendAsync(body);
        OdooAppendResult second = await store.AppendAsync(body);

        Assert.Equal(OdooAppendOutcome.Stored, first.Outcome);
        Assert.Equal(OdooAppendOutcome.Duplicate, second.Outcome);
        Assert.Equal(first.EventId, second.EventId);
        Assert.StartsWith("sha256:", first.IdempotencyKey, StringComparison.Ordinal);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM odoo.webhook_events"));
        Assert.Equal("42", await db.ScalarAsync<string>("SELECT aggregate_id FROM odoo.webhook_events"));
    }

    [Fact]
    public async Task AppendAsync_same_event_id_with_other_body_is_a_duplicate()
    {
        OdooEventStore store = Store();
        Assert.Equal(OdooAppendOutcome.Stored, (await store.AppendAsync(Body("project.task.updated", "1", "evt-1"))).Outcome);
        OdooAppendResult again = await store.AppendAsync(Body("project.task.updated", "1", "evt-1", """{"name":"Renamed"}"""));
        Assert.Equal(OdooAppendOutcome.Duplicate, again.Outcome);
        Assert.Equal("event:evt-1", again.IdempotencyKey);
    }

    [Theory]
    [InlineData("", "body is empty")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("{\"event_type\":\"x\"", "not valid JSON")]
    [InlineData("{\"aggregate_type\":\"t\",\"aggregate_id\":1,\"payload\":{}}", "'event_type' is missing")]
    [InlineData("{\"event_type\":\"x\",\"aggregate_type\":\"t\",\"aggregate_id\":true,\"payload\":{}}", "'aggregate_id' must be")]
    [InlineData("{\"event_type\":\"x\",\"aggregate_type\":\"t\",\"aggregate_id\":\"1\"}", "'payload' is missing")]
    public async Task AppendAsync_invalid_body_is_refused_with_reason_and_stores_nothing(string body, string reason)
    {
        OdooAppendResult result = await Store().AppendAsync(Encoding.UTF8.GetBytes(body));
        Assert.Equal(OdooAppendOutcome.Invalid, result.Outcome);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM odoo.webhook_events"));
    }

    [Fact]
    public async Task Processor_completes_events_and_logs_each_transition()
    {
        OdooEventStore store = Store();
        await store.AppendAsync(Body("project.task.updated", "7"));
        var seen = new ConcurrentBag<OdooEvent>();
        (OdooEventProcessor processor, ServiceProvider services) = Processor(store, e => { seen.Add(e); return Task.CompletedTask; });
        await using (services)
        {
            Assert.Equal(1, await processor.DrainAsync());
        }

        OdooEvent handled = Assert.Single(seen);
        Assert.Equal("7", handled.AggregateId);
        Assert.Equal("""{"name": "Task"}""", handled.PayloadJson);
        Assert.Equal(1, handled.Attempt);
        Assert.Equal("completed", await db.ScalarAsync<string>("SELECT status FROM odoo.webhook_events"));
        Assert.Equal("pending>processing>completed",
            await db.ScalarAsync<string>("SELECT string_agg(to_status, '>' ORDER BY id) FROM odoo.event_log"));
    }

    [Fact]
    public async Task Concurrent_processors_handle_every_event_exactly_once()
    {
        OdooEventStore store = Store();
        for (int i = 0; i < 120; i++)
        {
            await store.AppendAsync(Body("project.task.updated", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var counts = new ConcurrentDictionary<long, int>();
        var processors = Enumerable.Range(0, 4).Select(_ => Processor(store, async e =>
        {
            counts.AddOrUpdate(e.Id, 1, (_, n) => n + 1);
            await Task.Yield();
        })).ToList();

        await Task.WhenAll(processors.Select(p => Task.Run(() => p.Processor.DrainAsync())));
        foreach (var p in processors)
        {
            await p.Services.DisposeAsync();
        }

        Assert.Equal(120, counts.Count);
        Assert.All(counts.Values, n => Assert.Equal(1, n));
        Assert.Equal(120L, await db.ScalarAsync<long>("SELECT count(*) FROM odoo.webhook_events WHERE status = 'completed' AND attempts = 1"));
    }

    [Fact]
    public async Task Crash_between_lease_and_completion_is_retried_after_the_lease_not_lost()
    {
        OdooEventStore store = Store();
        await store.AppendAsync(Body("project.task.updated", "9"));

        // A processor leases the event and dies before completing it.
        List<OdooEvent> leased = await store.LeaseAsync("crashed-worker", 10, default);
        Assert.Single(leased);

        var handled = new ConcurrentBag<OdooEvent>();
        (OdooEventProcessor survivor, ServiceProvider services) = Processor(store, e => { handled.Add(e); return Task.CompletedTask; });
        await using (services)
        {
            Assert.Equal(0, await survivor.DrainAsync()); // still leased: nobody may take it yet
            _time.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(1, await survivor.DrainAsync());
        }

        Assert.Equal(2, Assert.Single(handled).Attempt);
        Assert.Equal("completed", await db.ScalarAsync<string>("SELECT status FROM odoo.webhook_events"));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM odoo.event_log WHERE message = 'lease taken over after expiry'"));
    }

    [Fact]
    public async Task Failing_handler_is_retried_with_backoff_then_marked_failed()
    {
        OdooEventStore store = Store(maxAttempts: 3);
        await store.AppendAsync(Body("project.task.updated", "5"));
        int calls = 0;
        (OdooEventProcessor processor, ServiceProvider services) = Processor(store, _ =>
        {
            calls++;
            throw new InvalidOperationException("boom " + calls);
        }, maxAttempts: 3);
        await using (services)
        {
            Assert.Equal(1, await processor.DrainAsync());
            Assert.Equal("pending", await db.ScalarAsync<string>("SELECT status FROM odoo.webhook_events"));
            Assert.Equal(0, await processor.DrainAsync()); // backing off
            _time.Advance(TimeSpan.FromMinutes(30));
            Assert.Equal(1, await processor.DrainAsync());
            _time.Advance(TimeSpan.FromMinutes(30));
            Assert.Equal(1, await processor.DrainAsync());
            _time.Advance(TimeSpan.FromMinutes(30));
            Assert.Equal(0, await processor.DrainAsync());
        }

        Assert.Equal(3, calls);
        Assert.Equal("failed", await db.ScalarAsync<string>("SELECT status FROM odoo.webhook_events"));
        Assert.Equal(3, await db.ScalarAsync<int>("SELECT attempts FROM odoo.webhook_events"));
        Assert.Equal("InvalidOperationException: boom 3", await db.ScalarAsync<string>("SELECT last_error FROM odoo.webhook_events"));

        Assert.Equal(1, await store.RequeueFailedAsync());
        Assert.Equal("pending", await db.ScalarAsync<string>("SELECT status FROM odoo.webhook_events"));
    }

    [Fact]
    public async Task Event_without_handler_is_failed_with_reason_not_dropped()
    {
        OdooEventStore store = Store();
        await store.AppendAsync(Body("sale.order.created", "3"));
        (OdooEventProcessor processor, ServiceProvider services) = Processor(store, _ => Task.CompletedTask);
        await using (services)
        {
            await processor.DrainAsync();
        }

        Assert.Equal("failed", await db.ScalarAsync<string>("SELECT status FROM odoo.webhook_events"));
        Assert.Contains("no handler registered for event type 'sale.order.created'",
            await db.ScalarAsync<string>("SELECT last_error FROM odoo.webhook_events"), StringComparison.Ordinal);
    }

    [Fact]
    public void RetryDelay_doubles_per_attempt_within_jitter_and_is_capped()
    {
        var store = new OdooEventStore(db.DataSource, Options.Create(new OdooOptions
        {
            RetryBaseDelay = TimeSpan.FromSeconds(2), RetryMaxDelay = TimeSpan.FromSeconds(60),
        }), _time);
        for (int attempt = 1; attempt <= 10; attempt++)
        {
            double expected = Math.Min(2 * Math.Pow(2, attempt - 1), 60);
            double actual = store.RetryDelay(attempt).TotalSeconds;
            Assert.InRange(actual, expected * 0.8, expected * 1.2);
        }
    }

    private sealed class DelegateHandler(DelegateHandler.Callback callback) : IOdooWebhookHandler
    {
        public Task HandleAsync(OdooEvent odooEvent, CancellationToken cancellationToken) => callback.Handle(odooEvent);

        public sealed record Callback(Func<OdooEvent, Task> Handle);
    }
}
