using System.Text;
using System.Text.Json;
using Lakehouse.Ingest;
using Lakehouse.Samples.Pi.Inbox;
using Lakehouse.Samples.Pi.Spool;
using Lakehouse.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lakehouse.Samples.Pi.Tests;

public sealed class InboxTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pi-inbox-" + Guid.NewGuid().ToString("N"));
    private readonly SegmentSpool _spool;
    private readonly PiOptions _options;

    public InboxTests()
    {
        _options = new PiOptions { InboxPath = Path.Combine(_root, "inbox"), SpoolPath = Path.Combine(_root, "spool"), InboxSettleTime = TimeSpan.Zero };
        Directory.CreateDirectory(_options.InboxPath);
        _spool = SegmentSpool.Open(_options.SpoolPath, new SpoolLimits(1 << 20, 1000, TimeSpan.FromHours(1)), TimeProvider.System, NullLogger.Instance);
    }

    public void Dispose()
    {
        _spool.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private InboxService Inbox(PiOptions? options = null) =>
        new(new LineIngestor(_spool, new IngestOptions()), options ?? _options, TimeProvider.System, NullLogger<InboxService>.Instance);

    private string[] SpooledLines()
    {
        _spool.Flush();
        return Directory.GetFiles(_spool.Root, "*.open").Concat(_spool.SealedSegments())
            .SelectMany(f => File.ReadAllText(f).Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToArray();
    }

    [Fact]
    public async Task ScanOnceAsync_spools_valid_lines_records_rejects_with_line_offset_reason_and_deletes_the_file()
    {
        const string good1 = """{"store_id":"301","peso_value":5,"transaction_id":"in-1"}""";
        const string bad = """{"store_id":"301"}""";
        const string good2 = """{"store_id":"301","peso_value":6,"transaction_id":"in-2"}""";
        PiProcess.DropInboxFile(_options.InboxPath!, "a.jsonl", [good1, bad, "", good2, "not json"]);

        int files = await Inbox().ScanOnceAsync(CancellationToken.None);

        Assert.Equal(1, files);
        Assert.Equal([good1, good2], SpooledLines());
        Assert.Empty(Directory.GetFiles(_options.InboxPath!));
        string[] rejects = File.ReadAllLines(Path.Combine(_spool.RejectedPath, "a.jsonl.rejected.jsonl"));
        Assert.Equal(2, rejects.Length);
        using JsonDocument first = JsonDocument.Parse(rejects[0]);
        Assert.Equal(2, first.RootElement.GetProperty("line").GetInt32());
        Assert.Equal(Encoding.UTF8.GetByteCount(good1) + 1, first.RootElement.GetProperty("offset").GetInt32());
        Assert.Equal("MissingField", first.RootElement.GetProperty("reason").GetString());
        Assert.Equal("peso_value", first.RootElement.GetProperty("field").GetString());
        Assert.Equal(bad, first.RootElement.GetProperty("raw").GetString());
        using JsonDocument second = JsonDocument.Parse(rejects[1]);
        Assert.Equal(5, second.RootElement.GetProperty("line").GetInt32());
        Assert.Equal("InvalidJson", second.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ScanOnceAsync_ignores_files_still_being_written()
    {
        string inbox = _options.InboxPath!;
        File.WriteAllText(Path.Combine(inbox, "b.jsonl.tmp"), """{"store_id":"1","peso_value":1}""" + "\n");
        File.WriteAllText(Path.Combine(inbox, "c.partial"), """{"store_id":"1","peso_value":1}""" + "\n");
        File.WriteAllText(Path.Combine(inbox, ".d.jsonl"), """{"store_id":"1","peso_value":1}""" + "\n");

        Assert.Equal(0, await Inbox().ScanOnceAsync(CancellationToken.None));
        Assert.Empty(SpooledLines());
        Assert.Equal(3, Directory.GetFiles(inbox).Length);
    }

    [Fact]
    public async Task ScanOnceAsync_waits_for_a_file_to_settle()
    {
        PiProcess.DropInboxFile(_options.InboxPath!, "e.jsonl", ["""{"store_id":"1","peso_value":1}"""]);
        var settling = new PiOptions { InboxPath = _options.InboxPath, SpoolPath = _options.SpoolPath, InboxSettleTime = TimeSpan.FromHours(1) };

        Assert.Equal(0, await Inbox(settling).ScanOnceAsync(CancellationToken.None));
        Assert.Single(Directory.GetFiles(_options.InboxPath!));
    }

    [Fact]
    public async Task ScanOnceAsync_with_KeepProcessedFiles_moves_the_file_to_done()
    {
        PiProcess.DropInboxFile(_options.InboxPath!, "f.ndjson", ["""{"store_id":"1","peso_value":1}"""]);
        var keeping = new PiOptions { InboxPath = _options.InboxPath, SpoolPath = _options.SpoolPath, InboxSettleTime = TimeSpan.Zero, KeepProcessedFiles = true };

        Assert.Equal(1, await Inbox(keeping).ScanOnceAsync(CancellationToken.None));
        Assert.True(File.Exists(Path.Combine(_options.InboxPath!, "done", "f.ndjson")));
        Assert.Single(SpooledLines());
    }

    [Fact]
    public void Validate_names_every_missing_setting_and_where_to_set_it()
    {
        IReadOnlyList<string> errors = new PiOptions().Validate();

        Assert.Contains(errors, e => e.StartsWith("Pi:ApiBaseUrl is required", StringComparison.Ordinal) && e.Contains("LAKEHOUSE_PI__ApiBaseUrl", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Pi:DeviceId is required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Pi:Token or Pi:TokenFile is required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Pi:InboxPath is required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Pi:SpoolPath is required", StringComparison.Ordinal));
        Assert.Empty(new PiOptions { ApiBaseUrl = "http://x", DeviceId = "d", Token = "t", InboxPath = "i", SpoolPath = "s" }.Validate());
        Assert.Contains(new PiOptions { ApiBaseUrl = "ftp://x", DeviceId = "d", Token = "t", InboxPath = "i", SpoolPath = "s" }.Validate(),
            e => e.Contains("not an absolute http(s) URL", StringComparison.Ordinal));
    }
}
