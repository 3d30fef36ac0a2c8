using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lakehouse.Ingest;
using Lakehouse.Odoo;
using Lakehouse.Samples.Api;
using Lakehouse.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Samples.Tests;

/// <summary>The Api on real Kestrel, bound to a free loopback port, over a real PostgreSQL.</summary>
public sealed class ApiTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const string EdgeSecret = "an-edge-token-secret-of-32-bytes!!";
    private const string OdooSecret = "odoo-webhook-secret";
    private const string ServiceKey = "service-key-for-reads-0123456789";
    private const long MaxBody = 256 * 1024;
    private const int Burst = 20;
    private readonly string _landingRoot = Path.Combine(Path.GetTempPath(), "lh-api-landing-" + Guid.NewGuid().ToString("N"));
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
                ["Lakehouse:ServiceKey"] = ServiceKey,
                ["Lakehouse:Api:MaxBodyBytes"] = MaxBody.ToString(CultureInfo.InvariantCulture),
                ["Lakehouse:Api:MaxErrors"] = "3",
                ["Lakehouse:Api:RateLimit:PermitsPerSecond"] = "1",
                ["Lakehouse:Api:RateLimit:Burst"] = Burst.ToString(CultureInfo.InvariantCulture),
                ["Lakehouse:Landing:Root"] = _landingRoot,
            });
            builder.Configuration["urls"] = "http://127.0.0.1:0";
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
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
        if (Directory.Exists(_landingRoot))
        {
            Directory.Delete(_landingRoot, recursive: true);
        }
    }

    private static string Token(string device = "pi-store-102") => new EdgeTokenIssuer(new EdgeTokenOptions { Secret = EdgeSecret }).Issue(device);

    private static string? TokenOfKind(string kind) => kind switch
    {
        "none" => null,
        "garbage" => "not-a-token",
        "expired" => new EdgeTokenIssuer(new EdgeTokenOptions { Secret = EdgeSecret },
            new ManualTimeProvider(TimeProvider.System.GetUtcNow().AddDays(-3))).Issue("pi-store-102", TimeSpan.FromDays(1)),
        "wrong-role" => new EdgeTokenIssuer(new EdgeTokenOptions { Secret = EdgeSecret, Role = "authenticated" }).Issue("pi-store-102"),
        "wrong-secret" => new EdgeTokenIssuer(new EdgeTokenOptions { Secret = "another-secret-that-is-32-bytes-long" }).Issue("pi-store-102"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, HttpContent? content, string? token, Action<HttpRequestMessage>? adjust = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        adjust?.Invoke(request);
        return await _http.SendAsync(request);
    }

    private Task<HttpResponseMessage> PostJsonl(string body, string? token, string contentType = "application/x-ndjson", Action<HttpRequestMessage>? adjust = null) =>
        Send(HttpMethod.Post, "/ingest-transaction", new StringContent(body, Encoding.UTF8, contentType), token, adjust);

    private static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }

    [Fact]
    public async Task Ingest_jsonl_with_a_device_token_lands_in_bronze_and_a_replay_is_a_duplicate()
    {
        const string body = """
            {"store_id":"102","peso_value":150.50,"transaction_id":"api-1"}
            not json
            {"store_id":"102","peso_value":20,"transaction_id":"api-2"}
            """;
        using HttpResponseMessage first = await PostJsonl(body, Token(), adjust: r => r.Headers.Add("x-device-id", "pi-store-102"));
        using HttpResponseMessage again = await PostJsonl(body, Token());

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        IngestResponse a = (await first.Content.ReadFromJsonAsync<IngestResponse>())!;
        IngestResponse b = (await again.Content.ReadFromJsonAsync<IngestResponse>())!;
        Assert.Equal((2L, 2L, 0L, 1L), (a.Accepted, a.Inserted, a.Duplicates, a.Rejected));
        Assert.Equal((2L, 0L, 2L, 1L), (b.Accepted, b.Inserted, b.Duplicates, b.Rejected));
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions WHERE transaction_id LIKE 'api-%'"));
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions WHERE transaction_id LIKE 'api-%' AND device_id = 'pi-store-102'"));
    }

    [Fact]
    public async Task Ingest_jsonl_with_bad_lines_reports_each_with_its_line_and_offset_while_the_good_lines_land()
    {
        string[] lines =
        [
            """{"store_id":"104","peso_value":1,"transaction_id":"mixed-1"}""",
            """{"store_id":"104","peso_value":-5,"transaction_id":"mixed-bad"}""",
            "",
            "{broken",
            """{"store_id":"104","peso_value":3,"transaction_id":"mixed-3"}""",
            """{"peso_value":3}""",
        ];
        string body = string.Join('\n', lines) + "\n";
        using HttpResponseMessage response = await PostJsonl(body, Token(), "application/jsonl");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        IngestResponse r = (await response.Content.ReadFromJsonAsync<IngestResponse>())!;
        Assert.Equal((2L, 2L, 3L), (r.Accepted, r.Inserted, r.Rejected));
        Assert.False(r.Truncated);
        Assert.Equal([2L, 4L, 6L], r.Errors.Select(e => e.Line));
        long OffsetOf(int index) => lines.Take(index).Sum(l => Encoding.UTF8.GetByteCount(l) + 1L);
        Assert.Equal([OffsetOf(1), OffsetOf(3), OffsetOf(5)], r.Errors.Select(e => e.Offset));
        Assert.Equal(["out_of_range", "invalid_json", "missing_field"], r.Errors.Select(e => e.Reason));
        Assert.Equal("peso_value", r.Errors[0].Field);
        Assert.Equal("store_id", r.Errors[2].Field);
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions WHERE transaction_id IN ('mixed-1', 'mixed-3')"));
    }

    [Fact]
    public async Task Ingest_with_more_bad_lines_than_the_cap_lists_the_first_and_sets_truncated()
    {
        string body = string.Concat(Enumerable.Range(0, 5).Select(i => "nope " + i.ToString(CultureInfo.InvariantCulture) + "\n"))
            + """{"store_id":"105","peso_value":1,"transaction_id":"cap-1"}""" + "\n";
        using HttpResponseMessage response = await PostJsonl(body, Token());

        IngestResponse r = (await response.Content.ReadFromJsonAsync<IngestResponse>())!;
        Assert.Equal(5L, r.Rejected);
        Assert.True(r.Truncated);
        Assert.Equal([1L, 2L, 3L], r.Errors.Select(e => e.Line));
        Assert.Equal(1L, r.Inserted);
    }

    [Fact]
    public async Task Ingest_json_array_body_is_accepted_and_a_bad_element_is_reported_by_index()
    {
        using HttpResponseMessage response = await PostJsonl(
            """[{"store_id":"103","peso_value":1,"transaction_id":"arr-1"}, 42, {"store_id":"103","peso_value":2,"transaction_id":"arr-2"}]""",
            Token(), "application/json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        IngestResponse r = (await response.Content.ReadFromJsonAsync<IngestResponse>())!;
        Assert.Equal((2L, 2L, 0L, 1L), (r.Accepted, r.Inserted, r.Duplicates, r.Rejected));
        IngestLineError error = Assert.Single(r.Errors);
        Assert.Equal((2L, "not_an_object"), (error.Line, error.Reason));
    }

    [Fact]
    public async Task Ingest_single_json_object_is_accepted()
    {
        using HttpResponseMessage response = await PostJsonl("""{"store_id":"106","peso_value":9.75,"transaction_id":"one-1"}""", Token(), "application/json");

        IngestResponse r = (await response.Content.ReadFromJsonAsync<IngestResponse>())!;
        Assert.Equal((1L, 1L, 0L), (r.Accepted, r.Inserted, r.Rejected));
        Assert.Empty(r.Errors);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions WHERE transaction_id = 'one-1'"));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("garbage")]
    [InlineData("expired")]
    [InlineData("wrong-role")]
    [InlineData("wrong-secret")]
    public async Task Ingest_without_a_valid_edge_token_is_401_problem_and_writes_nothing(string kind)
    {
        using HttpResponseMessage response = await PostJsonl("""{"store_id":"999","peso_value":1}""", TokenOfKind(kind));

        await Problem(response, HttpStatusCode.Unauthorized);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions WHERE store_id = '999'"));
    }

    [Fact]
    public async Task Ingest_with_the_service_key_is_403_because_writes_need_an_edge_token()
    {
        using HttpResponseMessage response = await PostJsonl("""{"store_id":"998","peso_value":1}""", ServiceKey);
        await Problem(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Ingest_with_an_x_device_id_other_than_the_tokens_device_is_403()
    {
        using HttpResponseMessage response = await PostJsonl("""{"store_id":"997","peso_value":1}""", Token(), adjust: r => r.Headers.Add("x-device-id", "someone-else"));
        await Problem(response, HttpStatusCode.Forbidden);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions WHERE store_id = '997'"));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    public async Task Ingest_with_an_unsupported_media_type_is_415(string contentType)
    {
        using HttpResponseMessage response = await PostJsonl("""{"store_id":"996","peso_value":1}""", Token(), contentType);
        await Problem(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Ingest_body_over_the_limit_is_413_problem(bool withContentLength)
    {
        var line = """{"store_id":"995","peso_value":1,"transaction_id":"big-0000000"}""" + "\n";
        byte[] body = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(line, (int)(MaxBody / line.Length) + 100)));
        HttpContent content = withContentLength ? new ByteArrayContent(body) : new StreamContent(new MemoryStream(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        using HttpResponseMessage response = await Send(HttpMethod.Post, "/ingest-transaction", content, Token(), r =>
        {
            if (!withContentLength)
            {
                r.Headers.TransferEncodingChunked = true;
            }
        });

        JsonElement problem = await Problem(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("MaxBodyBytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_over_the_per_device_rate_limit_is_429_with_retry_after_and_other_devices_go_on()
    {
        string token = Token("pi-busy");
        HttpResponseMessage? limited = null;
        for (int i = 0; i < Burst * 2 && limited is null; i++)
        {
            HttpResponseMessage response = await PostJsonl("""{"store_id":"994","peso_value":1,"transaction_id":"rate"}""", token);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        using (limited)
        {
            await Problem(limited, HttpStatusCode.TooManyRequests);
            Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        }

        using HttpResponseMessage other = await PostJsonl("""{"store_id":"994","peso_value":1,"transaction_id":"rate-other"}""", Token("pi-calm"));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Ingestion_status_is_read_with_the_service_key_only()
    {
        using (await PostJsonl("""{"store_id":"107","peso_value":1,"transaction_id":"status-1"}""", Token("pi-status"))) { }

        using HttpResponseMessage service = await Send(HttpMethod.Get, "/ingestion-status?device=pi-status", null, ServiceKey);
        using HttpResponseMessage edge = await Send(HttpMethod.Get, "/ingestion-status", null, Token("pi-status"));
        using HttpResponseMessage anonymous = await Send(HttpMethod.Get, "/ingestion-status", null, null);
        using HttpResponseMessage badDay = await Send(HttpMethod.Get, "/ingestion-status?day=21-11-2026", null, ServiceKey);

        Assert.Equal(HttpStatusCode.OK, service.StatusCode);
        JsonElement rows = await service.Content.ReadFromJsonAsync<JsonElement>();
        JsonElement row = Assert.Single(rows.EnumerateArray());
        Assert.Equal("pi-status", row.GetProperty("deviceId").GetString());
        Assert.Equal(1L, row.GetProperty("accepted").GetInt64());
        JsonElement forbidden = await Problem(edge, HttpStatusCode.Forbidden);
        Assert.Contains("read nothing", forbidden.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await Problem(anonymous, HttpStatusCode.Unauthorized);
        await Problem(badDay, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Landing_upload_is_stored_durably_and_loaded_into_bronze_once()
    {
        const string path = "/storage/v1/object/landing/2026-11-21/pi-land/batch-0001.jsonl";
        byte[] file = Encoding.UTF8.GetBytes("""{"store_id":"108","peso_value":5,"transaction_id":"land-1"}""" + "\n" + """{"store_id":"108","peso_value":6,"transaction_id":"land-2"}""" + "\n");

        using HttpResponseMessage created = await Send(HttpMethod.Post, path, new ByteArrayContent(file), Token("pi-land"));
        using HttpResponseMessage again = await Send(HttpMethod.Post, path, new ByteArrayContent(file), Token("pi-land"));
        using HttpResponseMessage other = await Send(HttpMethod.Post, path, new ByteArrayContent([.. file, .. "\n"u8]), Token("pi-land"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        LandingUploadResponse stored = (await created.Content.ReadFromJsonAsync<LandingUploadResponse>())!;
        Assert.Equal(("landing/2026-11-21/pi-land/batch-0001.jsonl", (long)file.Length), (stored.Key, stored.Size));
        Assert.Equal(file, await File.ReadAllBytesAsync(Path.Combine(_landingRoot, "2026-11-21", "pi-land", "batch-0001.jsonl")));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await Problem(other, HttpStatusCode.Conflict);
        Assert.Empty(Directory.GetFiles(Path.Combine(_landingRoot, "2026-11-21", "pi-land"), "*.part"));

        // The background pass loads it; wait for it (bounded), then the events are in bronze.
        long files = 0;
        for (int i = 0; i < 300 && files == 0; i++)
        {
            await Task.Delay(100);
            files = await db.ScalarAsync<long>("SELECT count(*) FROM scout.landing_files WHERE path = '2026-11-21/pi-land/batch-0001.jsonl'");
        }

        Assert.Equal(1L, files);
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions WHERE transaction_id LIKE 'land-%' AND device_id = 'pi-land'"));
    }

    [Theory]
    [InlineData("/storage/v1/object/landing/2026-11-21/pi-other/a.jsonl", HttpStatusCode.Forbidden)]
    [InlineData("/storage/v1/object/landing/2026-13-01/pi-land/a.jsonl", HttpStatusCode.BadRequest)]
    [InlineData("/storage/v1/object/landing/2026-11-21/pi-land/a.csv", HttpStatusCode.BadRequest)]
    [InlineData("/storage/v1/object/landing/2026-11-21/pi-land/.hidden.jsonl", HttpStatusCode.BadRequest)]
    [InlineData("/storage/v1/object/landing/2026-11-21/pi-land/a%20b.jsonl", HttpStatusCode.BadRequest)]
    [InlineData("/storage/v1/object/other-bucket/2026-11-21/pi-land/a.jsonl", HttpStatusCode.NotFound)]
    public async Task Landing_upload_with_a_bad_path_or_another_devices_path_is_refused_and_stores_nothing(string path, HttpStatusCode expected)
    {
        using HttpResponseMessage response = await Send(HttpMethod.Post, path, new StringContent("{\"store_id\":\"1\",\"peso_value\":1}\n"), Token("pi-land"));

        await Problem(response, expected);
        Assert.False(Directory.Exists(_landingRoot) && Directory.EnumerateFiles(_landingRoot, "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task Landing_upload_without_a_token_is_401()
    {
        using HttpResponseMessage response = await Send(HttpMethod.Post, "/storage/v1/object/landing/2026-11-21/pi-land/a.jsonl", new StringContent("{}\n"), null);
        await Problem(response, HttpStatusCode.Unauthorized);
    }

    // DESIGN.md "Odoo webhook": the signature header holds one or more entries separated by commas; repeated header
    // lines are one comma-joined value (RFC 9110 §5.3), so a good entry on the second line counts.
    [Fact]
    public async Task Odoo_webhook_signature_entries_on_repeated_header_lines_are_all_considered()
    {
        byte[] body = Encoding.UTF8.GetBytes("""{"event_type":"project.task.updated","aggregate_type":"project.task","aggregate_id":8,"payload":{}}""");
        string ts = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        using HttpResponseMessage response = await Send(HttpMethod.Post, "/odoo-webhook", new ByteArrayContent(body), null, r =>
        {
            r.Headers.Add("x-ipai-timestamp", ts);
            r.Headers.TryAddWithoutValidation("x-ipai-signature", [IpaiWebhookSigner.Sign("wrong", ts, body), IpaiWebhookSigner.Sign(OdooSecret, ts, body)]);
        });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Odoo_webhook_signed_is_accepted_and_stored_forged_is_401_problem()
    {
        byte[] body = Encoding.UTF8.GetBytes("""{"event_type":"project.task.updated","aggregate_type":"project.task","aggregate_id":7,"payload":{}}""");
        string ts = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        Task<HttpResponseMessage> Post(string signature) => Send(HttpMethod.Post, "/odoo-webhook", new ByteArrayContent(body), null, r =>
        {
            r.Headers.Add("x-ipai-timestamp", ts);
            r.Headers.Add("x-ipai-signature", signature);
        });

        using HttpResponseMessage forged = await Post(IpaiWebhookSigner.Sign("wrong", ts, body));
        using HttpResponseMessage accepted = await Post(IpaiWebhookSigner.Sign(OdooSecret, ts, body));
        using HttpResponseMessage missing = await Send(HttpMethod.Post, "/odoo-webhook", new ByteArrayContent(body), null);

        JsonElement problem = await Problem(forged, HttpStatusCode.Unauthorized);
        Assert.Contains("mismatch", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await Problem(missing, HttpStatusCode.Unauthorized);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM odoo.webhook_events WHERE aggregate_id = '7'"));
    }

    [Fact]
    public async Task Health_answers_ok_when_the_database_answers()
    {
        Assert.Equal(new HealthResponse("ok"), await _http.GetFromJsonAsync<HealthResponse>("/health"));
    }

    [Fact]
    public async Task Metrics_serve_prometheus_text_with_the_ingest_and_aspnetcore_families()
    {
        using (await PostJsonl("""{"store_id":"109","peso_value":1,"transaction_id":"metrics-1"}""", Token("pi-metrics"))) { }

        using HttpResponseMessage response = await _http.GetAsync("/metrics");
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains("# TYPE lakehouse_ingest_events_total counter", text, StringComparison.Ordinal);
        Assert.Contains("outcome=\"inserted\"", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_document_lists_every_route()
    {
        JsonElement doc = await _http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        JsonElement paths = doc.GetProperty("paths");

        Assert.True(paths.GetProperty("/ingest-transaction").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/storage/v1/object/{bucket}/{date}/{device}/{file}").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/odoo-webhook").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/ingestion-status").TryGetProperty("get", out _));
    }
}
