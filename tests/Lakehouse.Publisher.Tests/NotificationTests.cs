using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lakehouse.Testing;

namespace Lakehouse.Publisher.Tests;

public sealed class NotificationTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await PublisherSchema.MigrateAsync(db.DataSource);
        await TestData.CreateTablesAsync(db);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static PublisherOptions FastRetries(int attempts) => new()
    {
        Root = "unused",
        NotificationMaxAttempts = attempts,
        NotificationBaseDelay = TimeSpan.FromMilliseconds(20),
        NotificationTimeout = TimeSpan.FromSeconds(5),
    };

    [Fact]
    public async Task PublishAsync_retries_a_failing_receiver_then_delivers_a_verifiable_signature()
    {
        using var receiver = new Receiver(failFirst: 2);
        using var http = new HttpClient();
        var subscriptions = new DatasetSubscriptions(db.DataSource, http, FastRetries(5));
        string secret = DatasetSubscriptions.NewSecret();
        long id = await subscriptions.SubscribeAsync("analytics-team", receiver.Url, secret);
        var publisher = new DatasetPublisher(db.DataSource, new DatasetStore(TestData.TempDir()), new ParquetExporter(db.DataSource), subscriptions,
            manifestBaseUrl: new Uri("https://data.example.ph/datasets/"));

        (DatasetManifest manifest, IReadOnlyList<DeliveryResult> sent) = await publisher.PublishAsync(TestData.Silver() with { Name = "notified" });

        DeliveryResult result = Assert.Single(sent);
        Assert.True(result.Delivered);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(3, receiver.Requests.Count);
        Assert.All(receiver.Requests, r => Assert.Equal(result.WebhookId, r.Id)); // one id across retries
        Received last = receiver.Requests[^1];
        Assert.True(Verify(secret, last), "signature of the delivered request verifies");
        Assert.All(receiver.Requests, r => Assert.True(Verify(secret, r)));

        // The family's own verifier (Lakehouse.Ingest) accepts what the publisher sent over real HTTP: the delivered
        // request verifies, and the same message id delivered again is a replay.
        var options = new Lakehouse.Ingest.WebhookVerificationOptions();
        options.Secrets.Add(secret);
        var verifier = new Lakehouse.Ingest.StandardWebhookVerifier(options);
        Assert.Equal(Lakehouse.Ingest.WebhookVerdict.Accepted, verifier.Verify(last.Id, last.Timestamp, last.Signature, last.Body));
        Assert.Equal(Lakehouse.Ingest.WebhookVerdict.Replay, verifier.Verify(last.Id, last.Timestamp, last.Signature, last.Body));
        using JsonDocument body = JsonDocument.Parse(last.Body);
        Assert.Equal("dataset.published", body.RootElement.GetProperty("type").GetString());
        Assert.Equal("notified", body.RootElement.GetProperty("dataset").GetString());
        Assert.Equal("1.0.0", body.RootElement.GetProperty("version").GetString());
        Assert.Equal("https://data.example.ph/datasets/notified/versions/1.0.0/manifest.json", body.RootElement.GetProperty("manifest_url").GetString());
        Assert.Equal(manifest.Version, body.RootElement.GetProperty("version").GetString());

        Assert.Equal("delivered", await db.ScalarAsync<string>($"SELECT status FROM publisher.deliveries WHERE id = {result.DeliveryId}"));
        Assert.Equal(3, await db.ScalarAsync<int>($"SELECT attempts FROM publisher.deliveries WHERE id = {result.DeliveryId}"));
        Assert.Equal(200, await db.ScalarAsync<int>($"SELECT last_status_code FROM publisher.deliveries WHERE id = {result.DeliveryId}"));
        Assert.Equal(id, await db.ScalarAsync<long>($"SELECT subscription_id FROM publisher.deliveries WHERE id = {result.DeliveryId}"));
        Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM publisher.deliveries WHERE id = {result.DeliveryId} AND delivered_at IS NULL"));

        // A flipped byte of the body no longer verifies: the check above can fail.
        byte[] tampered = (byte[])last.Body.Clone();
        tampered[^2] ^= 1;
        Assert.False(Verify(secret, last with { Body = tampered }));
        await subscriptions.DeactivateAsync(id);
    }

    [Fact]
    public async Task NotifyAsync_receiver_failing_every_attempt_is_logged_as_failed_with_last_error()
    {
        using var receiver = new Receiver(failFirst: 100);
        using var http = new HttpClient();
        var subscriptions = new DatasetSubscriptions(db.DataSource, http, FastRetries(3));
        await subscriptions.SubscribeAsync("always-down", receiver.Url, DatasetSubscriptions.NewSecret(), [DatasetSubscriptions.RolledBackEvent], ["down_only"]);

        IReadOnlyList<DeliveryResult> none = await subscriptions.NotifyAsync(DatasetSubscriptions.PublishedEvent, "down_only", "1.0.0", "file:///x");
        IReadOnlyList<DeliveryResult> other = await subscriptions.NotifyAsync(DatasetSubscriptions.RolledBackEvent, "another", "1.0.0", "file:///x");
        IReadOnlyList<DeliveryResult> sent = await subscriptions.NotifyAsync(DatasetSubscriptions.RolledBackEvent, "down_only", "1.0.0", "file:///x");

        Assert.Empty(none);
        Assert.Empty(other);
        DeliveryResult result = Assert.Single(sent);
        Assert.False(result.Delivered);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(3, receiver.Requests.Count);
        Assert.Equal("failed", await db.ScalarAsync<string>($"SELECT status FROM publisher.deliveries WHERE id = {result.DeliveryId}"));
        Assert.Equal("HTTP 500", await db.ScalarAsync<string>($"SELECT last_error FROM publisher.deliveries WHERE id = {result.DeliveryId}"));
        Assert.Equal(500, await db.ScalarAsync<int>($"SELECT last_status_code FROM publisher.deliveries WHERE id = {result.DeliveryId}"));
    }

    [Fact]
    public async Task SubscribeAsync_secret_with_a_short_key_is_refused()
    {
        using var http = new HttpClient();
        var subscriptions = new DatasetSubscriptions(db.DataSource, http, FastRetries(1));

        await Assert.ThrowsAsync<ArgumentException>(() => subscriptions.SubscribeAsync("x", new Uri("http://127.0.0.1/"), "whsec_" + Convert.ToBase64String(new byte[16])));
    }

    /// <summary>Standard Webhooks verification written here from the specification, independently of the package.</summary>
    [Fact]
    public async Task RollbackAsync_retries_a_failing_receiver_then_delivers_a_signed_rolled_back_notification()
    {
        using var http = new HttpClient();
        var subscriptions = new DatasetSubscriptions(db.DataSource, http, FastRetries(5));
        string secret = DatasetSubscriptions.NewSecret();
        var publisher = new DatasetPublisher(db.DataSource, new DatasetStore(TestData.TempDir()), new ParquetExporter(db.DataSource), subscriptions,
            manifestBaseUrl: new Uri("https://data.example.ph/datasets/"));
        await publisher.PublishAsync(TestData.Silver("1.0.0") with { Name = "rolled" });
        await publisher.PublishAsync(TestData.Silver("1.0.1") with { Name = "rolled" });

        // Subscribed only now, so the receiver sees the rollback alone.
        using var receiver = new Receiver(failFirst: 1);
        long subscription = await subscriptions.SubscribeAsync("rollback-watcher", receiver.Url, secret);
        (_, IReadOnlyList<DeliveryResult> sent) = await publisher.RollbackAsync("rolled", "1.0.0");
        await subscriptions.DeactivateAsync(subscription); // the class shares one database: leave no live subscriber behind

        DeliveryResult result = Assert.Single(sent);
        Assert.True(result.Delivered);
        Assert.Equal(2, result.Attempts);
        Received last = receiver.Requests[^1];
        var options = new Lakehouse.Ingest.WebhookVerificationOptions();
        options.Secrets.Add(secret);
        Assert.Equal(Lakehouse.Ingest.WebhookVerdict.Accepted,
            new Lakehouse.Ingest.StandardWebhookVerifier(options).Verify(last.Id, last.Timestamp, last.Signature, last.Body));
        using JsonDocument body = JsonDocument.Parse(last.Body);
        Assert.Equal("dataset.rolled_back", body.RootElement.GetProperty("type").GetString());
        Assert.Equal("1.0.0", body.RootElement.GetProperty("version").GetString());
    }

    private static bool Verify(string secret, Received request)
    {
        string encoded = secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret["whsec_".Length..] : secret;
        byte[] key = Convert.FromBase64String(encoded);
        byte[] signed = [.. Encoding.UTF8.GetBytes($"{request.Id}.{request.Timestamp}."), .. request.Body];
        byte[] expected = HMACSHA256.HashData(key, signed);
        if (!long.TryParse(request.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return false;
        }

        foreach (string entry in request.Signature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = entry.Split(',', 2);
            if (parts.Length == 2 && parts[0] == "v1" && CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(parts[1]), expected))
            {
                return true;
            }
        }

        return false;
    }

    internal sealed record Received(string Id, string Timestamp, string Signature, string ContentType, byte[] Body);

    /// <summary>A real HTTP receiver on loopback that answers 500 to the first requests, then 200.</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;
        private int _failFirst;

        public Receiver(int failFirst)
        {
            _failFirst = failFirst;
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = new Uri($"http://127.0.0.1:{port}/hooks/");
            _listener.Prefixes.Add(Url.ToString());
            _listener.Start();
            _loop = Task.Run(LoopAsync);
        }

        public Uri Url { get; }

        public List<Received> Requests { get; } = [];

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                lock (Requests)
                {
                    Requests.Add(new Received(
                        context.Request.Headers["webhook-id"] ?? "", context.Request.Headers["webhook-timestamp"] ?? "",
                        context.Request.Headers["webhook-signature"] ?? "", context.Request.ContentType ?? "", body.ToArray()));
                }

                context.Response.StatusCode = Interlocked.Decrement(ref _failFirst) >= 0 ? 500 : 200;
                context.Response.Close();
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
