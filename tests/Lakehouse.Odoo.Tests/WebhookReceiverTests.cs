using System.Globalization;
using System.Text;
using Lakehouse.Ingest;
using Lakehouse.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lakehouse.Odoo.Tests;

public sealed class WebhookReceiverTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new();

    public async Task InitializeAsync()
    {
        await OdooSchema.MigrateAsync(db.DataSource);
        await db.ExecuteAsync("TRUNCATE odoo.webhook_events CASCADE");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private OdooWebhookReceiver Receiver()
    {
        var options = new WebhookVerificationOptions();
        options.Secrets.Add("old-secret");
        options.Secrets.Add("new-secret");
        return new OdooWebhookReceiver(
            new IpaiWebhookVerifier(options, new InMemoryWebhookReplayCache(), _time),
            new OdooEventStore(db.DataSource, Options.Create(new OdooOptions()), _time));
    }

    [Fact]
    public async Task ReceiveAsync_verified_delivery_is_stored_then_the_replay_is_refused()
    {
        OdooWebhookReceiver receiver = Receiver();
        byte[] body = Encoding.UTF8.GetBytes("""{"event_type":"project.task.updated","aggregate_type":"project.task","aggregate_id":42,"payload":{"name":"x"}}""");
        string ts = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        string signature = IpaiWebhookSigner.Sign("new-secret", ts, body);

        OdooWebhookReceipt first = await receiver.ReceiveAsync(ts, signature, body);
        OdooWebhookReceipt replay = await receiver.ReceiveAsync(ts, signature, body);
        OdooWebhookReceipt forged = await receiver.ReceiveAsync(ts, IpaiWebhookSigner.Sign("wrong", ts, body), body);

        Assert.True(first.Accepted);
        Assert.Equal(OdooAppendOutcome.Stored, first.Stored!.Value.Outcome);
        Assert.False(replay.Accepted);
        Assert.Equal(WebhookVerdict.Replay, replay.Verdict);
        Assert.False(forged.Accepted);
        Assert.Equal(WebhookVerdict.Mismatch, forged.Verdict);
        Assert.Null(forged.Stored);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM odoo.webhook_events"));
    }

    // DESIGN.md "Odoo webhook": a second *verified* delivery is a replay. The receiver records the identity only once
    // the event is written, so a delivery whose write failed is not yet "delivered" and its identical retry is stored.
    [Fact]
    public async Task ReceiveAsync_write_failure_leaves_the_identical_retry_acceptable_then_replay()
    {
        var options = new WebhookVerificationOptions();
        options.Secrets.Add("new-secret");
        var verifier = new IpaiWebhookVerifier(options, new InMemoryWebhookReplayCache(), _time);
        await using Npgsql.NpgsqlDataSource broken = Npgsql.NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Timeout=3;Database=none;Username=none;Password=none");
        var failing = new OdooWebhookReceiver(verifier, new OdooEventStore(broken, Options.Create(new OdooOptions()), _time));
        var working = new OdooWebhookReceiver(verifier, new OdooEventStore(db.DataSource, Options.Create(new OdooOptions()), _time));
        byte[] body = Encoding.UTF8.GetBytes("""{"event_type":"project.task.updated","aggregate_type":"project.task","aggregate_id":43,"payload":{}}""");
        string ts = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        string signature = IpaiWebhookSigner.Sign("new-secret", ts, body);

        await Assert.ThrowsAnyAsync<Exception>(() => failing.ReceiveAsync(ts, signature, body));
        OdooWebhookReceipt retry = await working.ReceiveAsync(ts, signature, body);
        OdooWebhookReceipt replay = await working.ReceiveAsync(ts, signature, body);

        Assert.True(retry.Accepted);
        Assert.Equal(OdooAppendOutcome.Stored, retry.Stored!.Value.Outcome);
        Assert.Equal(WebhookVerdict.Replay, replay.Verdict);
        Assert.False(replay.Accepted);
        Assert.Equal(OdooAppendOutcome.Duplicate, replay.Stored!.Value.Outcome);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM odoo.webhook_events"));
    }

    [Fact]
    public async Task ReceiveAsync_verified_but_invalid_body_is_not_accepted()
    {
        byte[] body = Encoding.UTF8.GetBytes("""{"hello":"world"}""");
        string ts = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        OdooWebhookReceipt receipt = await Receiver().ReceiveAsync(ts, IpaiWebhookSigner.Sign("old-secret", ts, body), body);

        Assert.Equal(WebhookVerdict.Accepted, receipt.Verdict);
        Assert.Equal(OdooAppendOutcome.Invalid, receipt.Stored!.Value.Outcome);
        Assert.False(receipt.Accepted);
    }

    [Fact]
    public async Task AddLakehouseOdoo_with_an_ipai_verifier_resolves_the_receiver()
    {
        var services = new ServiceCollection();
        services.AddSingleton(db.DataSource);
        services.AddIpaiWebhookVerifier(o => o.Secrets.Add("s3cret-value"));
        services.AddLakehouseOdoo();
        await using ServiceProvider provider = services.BuildServiceProvider();
        Assert.NotNull(provider.GetRequiredService<OdooWebhookReceiver>());
    }
}
