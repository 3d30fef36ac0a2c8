using System.Collections.Concurrent;
using System.Text;
using Lakehouse.Ingest;
using Lakehouse.Samples.Pi.Spool;
using Lakehouse.Samples.Pi.Upload;
using Lakehouse.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lakehouse.Samples.Pi.Tests;

/// <summary>The uploader against the real Api on loopback Kestrel (real PostgreSQL), and against stub servers for failures.</summary>
public sealed class UploaderTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pi-upload-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public async Task InitializeAsync() => await IngestSchema.MigrateAsync(db.DataSource);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _http.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private SegmentSpool Spool() =>
        SegmentSpool.Open(_root, new SpoolLimits(1 << 20, 1000, TimeSpan.FromHours(1)), TimeProvider.System, NullLogger.Instance);

    private SegmentUploader Uploader(SegmentSpool spool, string api, int maxRetries = int.MaxValue, string? token = null) =>
        new(_http, spool, new PiOptions
        {
            ApiBaseUrl = api,
            DeviceId = "pi-test-1",
            Token = token ?? TestApi.Token(),
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            RetryMaxDelay = TimeSpan.FromMilliseconds(200),
            MaxRetryAttempts = maxRetries,
        }, TimeProvider.System, NullLogger<SegmentUploader>.Instance);

    private static string SealOne(SegmentSpool spool, params string[] lines)
    {
        foreach (string line in lines)
        {
            spool.Append(Encoding.UTF8.GetBytes(line));
        }

        spool.Seal();
        return spool.SealedSegments()[^1];
    }

    [Fact]
    public async Task UploadAsync_to_the_real_api_lands_the_lines_in_bronze_and_deletes_the_segment_after_the_ack()
    {
        (WebApplication api, string address) = await TestApi.StartAsync(db);
        try
        {
            using SegmentSpool spool = Spool();
            string segment = SealOne(spool,
                """{"store_id":"201","peso_value":10,"transaction_id":"up-1"}""",
                """{"store_id":"201","peso_value":20,"transaction_id":"up-2"}""");

            UploadOutcome outcome = await Uploader(spool, address).UploadAsync(segment, CancellationToken.None);

            Assert.Equal(UploadOutcome.Acknowledged, outcome);
            Assert.False(File.Exists(segment));
            Assert.Equal(2L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions WHERE transaction_id LIKE 'up-%'"));
            Assert.Equal("pi-test-1", await db.ScalarAsync<string>("SELECT device_id FROM scout.bronze_transactions WHERE transaction_id = 'up-1'"));
        }
        finally
        {
            await TestApi.StopAsync(api);
        }
    }

    [Fact]
    public async Task DrainAsync_while_the_api_is_offline_retries_and_delivers_once_it_comes_up()
    {
        int port = TestApi.FreePort();
        string address = $"http://127.0.0.1:{port}";
        using SegmentSpool spool = Spool();
        string first = SealOne(spool, """{"store_id":"202","peso_value":1,"transaction_id":"off-1"}""");
        string second = SealOne(spool, """{"store_id":"202","peso_value":2,"transaction_id":"off-2"}""");
        SegmentUploader uploader = Uploader(spool, address);

        Task<IReadOnlyList<UploadOutcome>> draining = uploader.DrainAsync(CancellationToken.None);
        await PiProcess.WaitUntilAsync(() => uploader.Attempts >= 3, TimeSpan.FromSeconds(30), "three failed attempts");
        Assert.True(File.Exists(first)); // nothing acknowledged, nothing deleted
        Assert.False(draining.IsCompleted);

        (WebApplication api, _) = await TestApi.StartAsync(db, address);
        try
        {
            IReadOnlyList<UploadOutcome> outcomes = await draining.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal([UploadOutcome.Acknowledged, UploadOutcome.Acknowledged], outcomes);
            Assert.False(File.Exists(first));
            Assert.False(File.Exists(second));
            Assert.Equal(2L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions WHERE transaction_id LIKE 'off-%'"));
        }
        finally
        {
            await TestApi.StopAsync(api);
        }
    }

    [Fact]
    public async Task UploadAsync_keeps_the_segment_through_5xx_408_and_429_and_deletes_it_only_after_a_2xx()
    {
        int[] answers = [503, 408, 429, 500, 200];
        var seen = new ConcurrentQueue<(bool SegmentExists, string ContentType, string? Device, string? Auth, string Body)>();
        string? segment = null;
        int calls = 0;
        (WebApplication stub, string address) = await TestApi.StartStubAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            seen.Enqueue((File.Exists(segment), context.Request.ContentType ?? "", context.Request.Headers["x-device-id"], context.Request.Headers.Authorization, await reader.ReadToEndAsync()));
            context.Response.StatusCode = answers[Math.Min(Interlocked.Increment(ref calls) - 1, answers.Length - 1)];
            await context.Response.WriteAsync("""{"accepted":1,"inserted":1,"duplicates":0,"rejected":0,"errors":[]}""");
        });
        try
        {
            using SegmentSpool spool = Spool();
            segment = SealOne(spool, """{"store_id":"203","peso_value":1}""");

            UploadOutcome outcome = await Uploader(spool, address).UploadAsync(segment, CancellationToken.None);

            Assert.Equal(UploadOutcome.Acknowledged, outcome);
            Assert.Equal(5, seen.Count);
            Assert.All(seen, s => Assert.True(s.SegmentExists));
            Assert.All(seen, s => Assert.Equal("application/x-ndjson", s.ContentType));
            Assert.All(seen, s => Assert.Equal("pi-test-1", s.Device));
            Assert.All(seen, s => Assert.StartsWith("Bearer ey", s.Auth));
            Assert.All(seen, s => Assert.Equal("{\"store_id\":\"203\",\"peso_value\":1}\n", s.Body));
            Assert.False(File.Exists(segment));
        }
        finally
        {
            await TestApi.StopAsync(stub);
        }
    }

    [Theory]
    [InlineData(400)]
    [InlineData(413)]
    [InlineData(422)]
    public async Task UploadAsync_refused_with_a_4xx_moves_the_segment_to_dead_with_the_reason(int status)
    {
        int calls = 0;
        (WebApplication stub, string address) = await TestApi.StartStubAsync(async context =>
        {
            Interlocked.Increment(ref calls);
            context.Response.StatusCode = status;
            await context.Response.WriteAsync("""{"title":"no such thing"}""");
        });
        try
        {
            using SegmentSpool spool = Spool();
            string segment = SealOne(spool, """{"store_id":"204","peso_value":1}""");

            UploadOutcome outcome = await Uploader(spool, address).UploadAsync(segment, CancellationToken.None);

            Assert.Equal(UploadOutcome.Dead, outcome);
            Assert.Equal(1, calls); // not retried
            Assert.Empty(spool.SealedSegments());
            string dead = Path.Combine(spool.DeadPath, Path.GetFileName(segment));
            Assert.Equal("{\"store_id\":\"204\",\"peso_value\":1}\n", File.ReadAllText(dead));
            Assert.Contains($"HTTP {status}", File.ReadAllText(Path.ChangeExtension(dead, ".reason.txt")));
            Assert.Contains("no such thing", File.ReadAllText(Path.ChangeExtension(dead, ".reason.txt")));
        }
        finally
        {
            await TestApi.StopAsync(stub);
        }
    }

    [Fact]
    public async Task UploadAsync_segment_larger_than_the_api_body_limit_is_split_into_parts_that_all_land()
    {
        (WebApplication api, string address) = await TestApi.StartAsync(db, maxBodyBytes: 2048);
        try
        {
            using SegmentSpool spool = Spool();
            string[] lines = Enumerable.Range(0, 300)
                .Select(i => $$"""{"transaction_id":"split-{{i}}","store_id":"301","peso_value":{{i}}.25,"payment_method":"cash"}""").ToArray();
            string segment = SealOne(spool, lines);
            Assert.True(new FileInfo(segment).Length > 10 * 2048);

            UploadOutcome outcome = await Uploader(spool, address).UploadAsync(segment, CancellationToken.None);

            Assert.Equal(UploadOutcome.Acknowledged, outcome);
            Assert.False(File.Exists(segment));
            Assert.Empty(Directory.GetFiles(spool.DeadPath));
            Assert.Equal(300L, await db.ScalarAsync<long>("SELECT count(DISTINCT transaction_id) FROM scout.bronze_transactions WHERE transaction_id LIKE 'split-%'"));
            Assert.Equal(300L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions WHERE transaction_id LIKE 'split-%'"));
        }
        finally
        {
            await TestApi.StopAsync(api);
        }
    }

    [Fact]
    public async Task UploadAsync_split_segment_keeps_only_the_one_line_too_large_for_the_api_in_dead()
    {
        (WebApplication api, string address) = await TestApi.StartAsync(db, maxBodyBytes: 2048);
        try
        {
            using SegmentSpool spool = Spool();
            string huge = $$"""{"transaction_id":"huge-1","store_id":"302","peso_value":1,"note":"{{new string('x', 3000)}}"}""";
            var lines = Enumerable.Range(0, 40).Select(i => $$"""{"transaction_id":"around-{{i}}","store_id":"302","peso_value":{{i}}}""").ToList();
            lines.Insert(17, huge);
            string segment = SealOne(spool, [.. lines]);
            long hugeOffset = Encoding.UTF8.GetByteCount(string.Concat(lines.Take(17).Select(l => l + "\n")));

            UploadOutcome outcome = await Uploader(spool, address).UploadAsync(segment, CancellationToken.None);

            Assert.Equal(UploadOutcome.Dead, outcome);
            Assert.False(File.Exists(segment));
            Assert.Equal(40L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions WHERE transaction_id LIKE 'around-%'"));
            Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions WHERE transaction_id = 'huge-1'"));
            string part = Assert.Single(Directory.GetFiles(spool.DeadPath, "*.jsonl"));
            Assert.Equal(Path.GetFileNameWithoutExtension(segment) + ".at-" + hugeOffset + ".jsonl", Path.GetFileName(part));
            Assert.Equal(huge + "\n", File.ReadAllText(part));
            Assert.Contains("HTTP 413", File.ReadAllText(Path.ChangeExtension(part, ".reason.txt")));
        }
        finally
        {
            await TestApi.StopAsync(api);
        }
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("a\n", 0)]
    [InlineData("a\nb\n", 2)]
    [InlineData("aaaa\nb\n", 5)]
    [InlineData("a\nbbbbbbbb\n", 2)]
    [InlineData("a\nb\nc\nd\n", 4)]
    public void SplitPoint_is_a_line_start_nearest_the_middle_or_0_for_one_line(string body, int expected) =>
        Assert.Equal(expected, SegmentUploader.SplitPoint(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public async Task UploadAsync_with_a_refused_token_is_retried_and_deferred_never_dead()
    {
        (WebApplication api, string address) = await TestApi.StartAsync(db);
        try
        {
            using SegmentSpool spool = Spool();
            string segment = SealOne(spool, """{"store_id":"205","peso_value":1}""");

            UploadOutcome outcome = await Uploader(spool, address, maxRetries: 2, token: "not-a-token").UploadAsync(segment, CancellationToken.None);

            Assert.Equal(UploadOutcome.Deferred, outcome);
            Assert.True(File.Exists(segment));
            Assert.Empty(Directory.GetFiles(spool.DeadPath));
        }
        finally
        {
            await TestApi.StopAsync(api);
        }
    }

    [Theory]
    [InlineData("""{"accepted":2,"inserted":1,"duplicates":1,"rejected":0}""", 2L, 1L, 1L, 0L)]
    [InlineData("""{"Accepted":3,"inserted":3,"duplicates":0,"rejected":[{"line":2,"reason":"x"}],"errors":[{"line":2}]}""", 3L, 3L, 0L, 1L)]
    [InlineData("""{"accepted":"4","extra":{"nested":true}}""", 4L, null, null, null)]
    [InlineData("ok", null, null, null, null)]
    [InlineData("[1,2]", null, null, null, null)]
    public void IngestAck_Parse_reads_what_it_can_and_ignores_the_rest(string body, long? accepted, long? inserted, long? duplicates, long? rejected)
    {
        Assert.Equal(new IngestAck(accepted, inserted, duplicates, rejected), IngestAck.Parse(body));
    }
}
