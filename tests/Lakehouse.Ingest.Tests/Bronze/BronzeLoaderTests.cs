using System.Text;
using FsCheck.Xunit;
using Lakehouse.Testing;
using Npgsql;

namespace Lakehouse.Ingest.Tests;

public sealed class BronzeLoaderTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    private static string Event(string store, int n, string? device = "pi-1") =>
        device is null
            ? $$"""{"store_id":"{{store}}","transaction_id":"t{{n}}","peso_value":{{n}}.25}"""
            : $$"""{"store_id":"{{store}}","transaction_id":"t{{n}}","device_id":"{{device}}","peso_value":{{n}}.25}""";

    private async Task ResetAsync()
    {
        await IngestSchema.MigrateAsync(db.DataSource);
        await db.ExecuteAsync("TRUNCATE scout.bronze_transactions, scout.bronze_rejects, scout.ingestion_status, scout.landing_files");
    }

    private static MemoryStream Jsonl(params string[] lines) => new(Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"));

    [Fact]
    public async Task LoadAsync_mixed_lines_inserts_valid_events_records_rejects_and_counts()
    {
        await ResetAsync();
        var loader = new BronzeLoader(db.DataSource);
        string[] lines = [Event("102", 1), Event("102", 2), "{\"store_id\":\"102\"}", Event("102", 1), "not json", Event("7", 3, null)];

        BronzeLoadResult result = await loader.LoadAsync(Jsonl(lines), new BronzeSource("test.jsonl", "hdr-dev"));

        Assert.Equal(new BronzeLoadResult(Lines: 6, Valid: 4, Rejected: 2, Inserted: 3, Duplicates: 1), result);
        Assert.Equal(3L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions"));
        Assert.Equal(Event("102", 2), await db.ScalarAsync<string>("SELECT raw FROM scout.bronze_transactions WHERE transaction_id = 't2'"));
        Assert.Equal("hdr-dev", await db.ScalarAsync<string>("SELECT device_id FROM scout.bronze_transactions WHERE store_id = '7'"));
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT source_line FROM scout.bronze_transactions WHERE transaction_id = 't2'"));
        Assert.Equal(150.25m, await db.ScalarAsync<decimal>("SELECT (event->>'peso_value')::numeric + 148 FROM scout.v_bronze_transactions WHERE transaction_id = 't2'"));
        Assert.Equal("3|missing_field|peso_value|" + (lines[0].Length + lines[1].Length + 2),
            await db.ScalarAsync<string>("SELECT line || '|' || reason || '|' || field || '|' || source_offset FROM scout.bronze_rejects WHERE line = 3"));
        Assert.Equal("invalid_json|not json", await db.ScalarAsync<string>("SELECT reason || '|' || convert_from(raw, 'UTF8') FROM scout.bronze_rejects WHERE line = 5"));

        IReadOnlyList<IngestionStatus> status = await loader.GetStatusAsync();
        IngestionStatus pi1 = Assert.Single(status, s => s.DeviceId == "pi-1");
        Assert.Equal((2L, 1L, 0L), (pi1.Accepted, pi1.Duplicates, pi1.Rejected));
        IngestionStatus hdr = Assert.Single(status, s => s.DeviceId == "hdr-dev");
        Assert.Equal((1L, 0L, 2L), (hdr.Accepted, hdr.Duplicates, hdr.Rejected));
        Assert.True(pi1.FirstSeen <= pi1.LastSeen);
    }

    // A stream that fails after a number of bytes: a client that went away mid-request.
    private sealed class FailingStream(byte[] bytes, int failAt) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position >= failAt ? throw new IOException("client went away") : base.ReadAsync(buffer[..Math.Min(buffer.Length, failAt - (int)Position)], cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) =>
            Position >= failAt ? throw new IOException("client went away") : base.Read(buffer, offset, Math.Min(count, failAt - (int)Position));
    }

    [Fact]
    public async Task LoadAsync_that_failed_before_its_commit_leaves_the_window_ignorant_so_the_retry_inserts_every_event()
    {
        await ResetAsync();
        var loader = new BronzeLoader(db.DataSource, new IngestOptions { DedupWindowMaxEntries = 1000 });
        string[] lines = [Event("51", 1), Event("51", 2), Event("51", 3)];
        byte[] body = Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");

        await Assert.ThrowsAsync<IOException>(() => loader.LoadAsync(new FailingStream(body, body.Length - 5), new BronzeSource("a")));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions WHERE store_id = '51'"));
        BronzeLoadResult retry = await loader.LoadAsync(new MemoryStream(body), new BronzeSource("a"));

        Assert.Equal(3L, retry.Inserted);
        Assert.Equal(3L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions WHERE store_id = '51'"));
        BronzeLoadResult replay = await loader.LoadAsync(new MemoryStream(body), new BronzeSource("a"));
        Assert.Equal((0L, 3L), (replay.Inserted, replay.Duplicates)); // remembered once committed
    }

    [Fact]
    public async Task LoadAsync_with_a_reject_callback_reports_each_bad_line_in_order_across_batches()
    {
        await ResetAsync();
        var loader = new BronzeLoader(db.DataSource, loaderOptions: new BronzeLoaderOptions { BatchSize = 2 });
        string[] lines = [Event("3", 1), "bad one", Event("3", 2), "{\"store_id\":\"3\",\"peso_value\":-1}", "", Event("3", 3), "[1]"];
        var seen = new List<IngestError>();

        BronzeLoadResult result = await loader.LoadAsync(Jsonl(lines), new BronzeSource("cb.jsonl"), seen.Add, null, CancellationToken.None);

        Assert.Equal((3L, 3L), (result.Inserted, result.Rejected));
        Assert.Equal([2L, 4L, 7L], seen.Select(e => e.LineNumber));
        Assert.Equal([IngestErrorReason.InvalidJson, IngestErrorReason.OutOfRange, IngestErrorReason.NotAnObject], seen.Select(e => e.Reason));
        Assert.Equal(lines.Take(3).Sum(l => l.Length + 1L), seen[1].ByteOffset);
        Assert.Equal(3L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_rejects WHERE source = 'cb.jsonl'"));
    }

    [Fact]
    public async Task LoadAsync_with_a_reject_callback_and_no_bad_line_never_calls_it()
    {
        await ResetAsync();
        int calls = 0;
        BronzeLoadResult result = await new BronzeLoader(db.DataSource).LoadAsync(
            Jsonl(Event("4", 1), Event("4", 2)), new BronzeSource("clean.jsonl"), _ => calls++, null, CancellationToken.None);

        Assert.Equal((2L, 0L, 0), (result.Inserted, result.Rejected, calls));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task LoadAsync_same_batch_replayed_adds_no_bronze_row_and_no_reject(bool window)
    {
        await ResetAsync();
        string[] lines = [Event("1", 1), Event("1", 2), "oops", Event("2", 1)];
        var options = new IngestOptions { DedupWindowMaxEntries = window ? 1000 : 0 };
        var first = await new BronzeLoader(db.DataSource, options).LoadAsync(Jsonl(lines), new BronzeSource("a"));
        var loader = new BronzeLoader(db.DataSource, options, new BronzeLoaderOptions { BatchSize = 2 });
        BronzeLoadResult again = default;
        for (int i = 0; i < 3; i++)
        {
            again = await loader.LoadAsync(Jsonl(lines), new BronzeSource("a"));
        }

        Assert.Equal(3, first.Inserted);
        Assert.Equal(new BronzeLoadResult(4, 3, 1, 0, 3), again);
        Assert.Equal(3L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions"));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_rejects"));
        Assert.Equal(9L, await db.ScalarAsync<long>("SELECT sum(duplicates)::bigint FROM scout.ingestion_status"));
    }

    [Fact]
    public async Task LoadAsync_insert_notifies_lakehouse_bronze_after_commit()
    {
        await ResetAsync();
        await using NpgsqlConnection listener = await db.OpenAsync();
        var received = new List<string>();
        listener.Notification += (_, e) => received.Add(e.Channel + ":" + e.Payload);
        await using (var listen = new NpgsqlCommand("LISTEN lakehouse_bronze", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        await new BronzeLoader(db.DataSource).LoadAsync(Jsonl(Event("5", 1), Event("5", 2)), new BronzeSource("n"));
        await listener.WaitAsync(TimeSpan.FromSeconds(10));
        await new BronzeLoader(db.DataSource).LoadAsync(Jsonl(Event("5", 1)), new BronzeSource("n")); // nothing new: no notification
        bool more = await listener.WaitAsync(TimeSpan.FromMilliseconds(300));

        Assert.Equal(["lakehouse_bronze:2"], received);
        Assert.False(more);
    }

    [Property(MaxTest = 15)]
    public bool LoadAsync_any_batches_with_repeats_leave_exactly_the_distinct_events(int seed)
    {
        ResetAsync().GetAwaiter().GetResult();
        var random = new Random(seed);
        string[] pool = Enumerable.Range(0, 30).Select(i => Event((i % 4).ToString(System.Globalization.CultureInfo.InvariantCulture), i)).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var loader = new BronzeLoader(db.DataSource,
            new IngestOptions { DedupWindowMaxEntries = random.Next(2) * random.Next(1, 20) },
            new BronzeLoaderOptions { BatchSize = random.Next(1, 12) });
        long inserted = 0;
        int batches = random.Next(1, 6);
        for (int b = 0; b < batches; b++)
        {
            string[] batch = Enumerable.Range(0, random.Next(0, 25)).Select(_ => pool[random.Next(pool.Length)]).ToArray();
            seen.UnionWith(batch);
            if (batch.Length == 0)
            {
                continue;
            }

            BronzeLoadResult r = loader.LoadAsync(Jsonl(batch), new BronzeSource("p" + b)).GetAwaiter().GetResult();
            Assert.Equal(r.Valid, r.Inserted + r.Duplicates);
            inserted += r.Inserted;
        }

        Assert.Equal(seen.Count, inserted);
        Assert.Equal(seen.Count, (int)db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions").GetAwaiter().GetResult());
        Assert.Equal(seen.Count, (int)db.ScalarAsync<long>("SELECT count(DISTINCT raw) FROM scout.bronze_transactions").GetAwaiter().GetResult());
        return true;
    }

    [Fact]
    public async Task LoadAsync_json_body_array_loads_each_element()
    {
        await ResetAsync();
        byte[] body = Encoding.UTF8.GetBytes("[" + Event("9", 1) + ",\n " + Event("9", 2) + ", 3]");
        using JsonlReader reader = JsonlReader.CreateForJsonBody(body);

        BronzeLoadResult result = await new BronzeLoader(db.DataSource).LoadAsync(reader, new BronzeSource("http", "pi-9"));

        Assert.Equal(new BronzeLoadResult(3, 2, 1, 2, 0), result);
    }
}
