using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Lakehouse.Ingest;
using Lakehouse.Odoo;
using Lakehouse.Samples.Api;
using Lakehouse.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lakehouse.Samples.Tests;

/// <summary>The Api on real Kestrel, bound to a free loopback port, over a real PostgreSQL.</summary>
public sealed class ApiTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const string EdgeSecret = "an-edge-token-secret-of-32-bytes!!";
    private const string OdooSecret = "odoo-webhook-secret";
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        await IngestSchema.MigrateAsync(db.DataSource);
        await OdooSchema.MigrateAsync(db.DataSource);
        _app = ApiApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Lakehouse:ConnectionString"] = db.ConnectionString,
                ["Lakehouse:EdgeTokenSecret"] = EdgeSecret,
                ["Lakehouse:OdooWebhookSecret"] = OdooSecret,
            });
            builder.Configuration["urls"] = "http://127.0.0.1:0";
        });
        await _app.StartAsync();
        string address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string Token() => new EdgeTokenIssuer(new EdgeTokenOptions { Secret = EdgeSecret }).Issue("pi-store-102");

    private async Task<HttpResponseMessage> PostJsonl(string body, string? token, string contentType = "application/x-ndjson")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ingest-transaction")
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await _http.SendAsync(request);
    }

    [Fact]
    public async Task Ingest_jsonl_with_a_device_token_lands_in_bronze_and_a_replay_is_a_duplicate()
    {
        const string body = """
            {"store_id":"102","peso_value":150.50,"transaction_id":"api-1"}
            not json
            {"store_id":"102","peso_value":20,"transaction_id":"api-2"}
            """;
        using HttpResponseMessage first = await PostJsonl(body, Token());
        using HttpResponseMessage again = await PostJsonl(body, Token());

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        IngestResponse? a = await first.Content.ReadFromJsonAsync<IngestResponse>();
        IngestResponse? b = await again.Content.ReadFromJsonAsync<IngestResponse>();
        Assert.Equal(new IngestResponse(2, 2, 0, 1), a);
        Assert.Equal(new IngestResponse(2, 0, 2, 1), b);
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions WHERE transaction_id LIKE 'api-%'"));
    }

    [Fact]
    public async Task Ingest_json_array_body_is_accepted()
    {
        using HttpResponseMessage response = await PostJsonl(
            """[{"store_id":"103","peso_value":1,"transaction_id":"arr-1"},{"store_id":"103","peso_value":2,"transaction_id":"arr-2"}]""",
            Token(), "application/json");
        Assert.Equal(new IngestResponse(2, 2, 0, 0), await response.Content.ReadFromJsonAsync<IngestResponse>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-token")]
    public async Task Ingest_without_a_valid_token_is_401_and_writes_nothing(string? token)
    {
        using HttpResponseMessage response = await PostJsonl("""{"store_id":"999","peso_value":1}""", token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions WHERE store_id = '999'"));
    }

    [Fact]
    public async Task Odoo_webhook_signed_is_accepted_and_stored_forged_is_401()
    {
        byte[] body = Encoding.UTF8.GetBytes("""{"event_type":"project.task.updated","aggregate_type":"project.task","aggregate_id":7,"payload":{}}""");
        string ts = DateTimeOffset.FromUnixTimeSeconds(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds()).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        async Task<HttpStatusCode> Send(string signature)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/odoo-webhook") { Content = new ByteArrayContent(body) };
            request.Headers.Add("x-ipai-timestamp", ts);
            request.Headers.Add("x-ipai-signature", signature);
            using HttpResponseMessage response = await _http.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await Send(IpaiWebhookSigner.Sign("wrong", ts, body)));
        Assert.Equal(HttpStatusCode.Accepted, await Send(IpaiWebhookSigner.Sign(OdooSecret, ts, body)));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM odoo.webhook_events WHERE aggregate_id = '7'"));
    }

    [Fact]
    public async Task Health_answers_ok_when_the_database_answers()
    {
        Assert.Equal(new HealthResponse("ok"), await _http.GetFromJsonAsync<HealthResponse>("/health"));
    }
}
