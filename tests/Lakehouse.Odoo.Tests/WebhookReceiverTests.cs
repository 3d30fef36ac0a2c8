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
