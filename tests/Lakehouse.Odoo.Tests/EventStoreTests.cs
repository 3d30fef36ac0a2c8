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

    private static byte[] RawEventId(string eventIdJson, string payload = """{"name":"Task"}""") =>
        Encoding.UTF8.GetBytes(
            $$"""{"event_type":"project.task.updated","aggregate_type":"project.task","aggregate_id":1,"payload":{{payload}},"event_id":{{eventIdJson}}}""");

    // DESIGN.md "Odoo webhook": "the event store also dedups by the body's event_id when present". Decision: a number
    // id is keyed by its exact value, and equals the string of that value.
    [Theory]
    [InlineData("42", "42.0", "event:42")]
    [InlineData("42", "4.2e1", "event:42")]
    [InlineData("42", "420E-1", "event:42")]
    [InlineData("42", "\"42\"", "event:42")]
    [InlineData("\"42\"", "42.000", "event:42")]
    [InlineData("-0", "0", "event:0")]
    [InlineData("0.0", "0e5", "event:0")]
    [InlineData("1.50", "15e-1", "event:1.5")]
    [InlineData("-12.5", "-1.25e1", "event:-12.5")]
    [InlineData("0.005", "5e-3", "event:0.005")]
    [InlineData("1e2000", "10e1999", "event:1e2000")]
    [InlineData("18446744073709551616", "1.8446744073709551616e19", "event:18446744073709551616")]
    [InlineData("\"evt-7\"", "\"evt\u002d7\"", "event:evt-7")]
    public async Task AppendAsync_event_id_spellings_of_one_value_are_one_event(string firstId, string secondId, string key)
    {
        OdooEventStore store = Store();
        OdooAppendResult first = await store.AppendAsync(RawEventId(firstId));
        OdooAppendResult second = await store.AppendAsync(RawEventId(secondId, """{"name":"Other body"}"""));

        Assert.Equal(OdooAppendOutcome.Stored, first.Outcome);
        Assert.Equal(OdooAppendOutcome.Duplicate, second.Outcome);
        Assert.Equal(key, first.IdempotencyKey);
        Assert.Equal(key, second.IdempotencyKey);
    }

    [Theory]
    [InlineData("42", "43")]
    [InlineData("42", "42.5")]
    [InlineData("42", "-42")]
    [InlineData("\"a\"", "\"A\"")]
    [InlineData("\"a\"", "\" a\"")]
    [InlineData("1e2000", "1e2001")]
    public async Task AppendAsync_different_event_ids_are_different_events(string firstId, string secondId)
    {
        OdooEventStore store = Store();

        Assert.Equal(OdooAppendOutcome.Stored, (await store.AppendAsync(RawEventId(firstId))).Outcome);
        Assert.Equal(OdooAppendOutcome.Stored, (await store.AppendAsync(RawEventId(secondId))).Outcome);
    }

    // Decision: an event_id that is null, empty or only white space names nothing; the body's SHA-256 stands in,
    // so two different bodies are two events and the same body twice is one.
    [Theory]
    [InlineData("null")]
    [InlineData("\"\"")]
    [InlineData("\"  \"")]
    public async Task AppendAsync_null_or_blank_event_id_falls_back_to_body_hash(string eventId)
    {
        OdooEventStore store = Store();
        OdooAppendResult first = await store.AppendAsync(RawEventId(eventId));
        OdooAppendResult other = await store.AppendAsync(RawEventId(eventId, """{"name":"Other body"}"""));
        OdooAppendResult again = await store.AppendAsync(RawEventId(eventId));

        Assert.Equal(OdooAppendOutcome.Stored, first.Outcome);
        Assert.Equal(OdooAppendOutcome.Stored, other.Outcome);
        Assert.Equal(OdooAppendOutcome.Duplicate, again.Outcome);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(RawEventId(eventId))), first.IdempotencyKey);
    }

    // Decision: an event_id of another JSON type is a malformed body (refused with its reason), not silently ignored.
    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("{\"id\":1}")]
    [InlineData("[1]")]
    public async Task AppendAsync_event_id_neither_string_nor_number_is_invalid(string eventId)
    {
        OdooAppendResult result = await Store().AppendAsync(RawEventId(eventId));

        Assert.Equal(OdooAppendOutcome.Invalid, result.Outcome);
        Assert.Contains("'event_id' must be a string or a number", result.Error, StringComparison.Ordinal);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM odoo.webhook_events"));
    }

    // A verified body that PostgreSQL cannot store (jsonb refuses \u0000 and lone surrogates; numeric has a range) is
    // an invalid body with its reason, not an exception the sender would retry forever.
    [Theory]
    [InlineData("""{"event_type":"x","aggregate_type":"t","aggregate_id":1,"payload":{"note":"a\u0000b"}}""", "PostgreSQL refuses")]
    [InlineData("""{"event_type":"x","aggregate_type":"t","aggregate_id":1,"payload":{"note":"\ud800"}}""", "PostgreSQL refuses")]
    [InlineData("""{"event_type":"x","aggregate_type":"t","aggregate_id":1,"payload":{"n":1e400000}}""", "PostgreSQL refuses")]
    [InlineData("""{"event_type":"x\u0000","aggregate_type":"t","aggregate_id":1,"payload":{}}""", "PostgreSQL refuses")]
    [InlineData("""{"event_type":"\ud800","aggregate_type":"t","aggregate_id":1,"payload":{}}""", "not valid Unicode")]
    [InlineData("""{"event_type":"x","aggregate_type":"t","aggregate_id":1,"payload":{},"event_id":"\udc00"}""", "not valid Unicode")]
    public async Task AppendAsync_body_postgres_cannot_store_is_invalid_not_an_exception(string body, string reason)
    {
        OdooAppendResult result = await Store().AppendAsync(Encoding.UTF8.GetBytes(body));

        Assert.Equal(OdooAppendOutcome.Invalid, result.Outcome);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM odoo.webhook_events"));
    }

    [Fact]
    public async Task AppendAsync_duplicate_event_id_member_last_one_wins()
    {
        OdooEventStore store = Store();
        byte[] body = Encoding.UTF8.GetBytes(
            """{"event_type":"x","aggregate_type":"t","aggregate_id":1,"payload":{},"event_id":"first","event_id":"second"}""");

        Assert.Equal("event:second", (await store.AppendAsync(body)).IdempotencyKey);
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
