using System.Text;
using FsCheck;
using FsCheck.Xunit;
using Lakehouse.Samples.Pi.Spool;
using Lakehouse.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lakehouse.Samples.Pi.Tests;

public sealed class SpoolTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pi-spool-" + Guid.NewGuid().ToString("N"));
    private readonly ManualTimeProvider _time = new();

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private SegmentSpool Open(long maxBytes = 1 << 20, int maxLines = 1000, int maxAgeSeconds = 30) =>
        SegmentSpool.Open(_root, new SpoolLimits(maxBytes, maxLines, TimeSpan.FromSeconds(maxAgeSeconds)), _time, NullLogger.Instance);

    private static string[] Lines(string path) => File.ReadAllText(path).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Append_past_the_line_limit_seals_segments_in_order_with_every_line()
    {
        using SegmentSpool spool = Open(maxLines: 3);
        for (int i = 0; i < 7; i++)
        {
            spool.Append(Encoding.UTF8.GetBytes($$"""{"store_id":"1","peso_value":{{i}}}"""));
        }

        IReadOnlyList<string> sealedSegments = spool.SealedSegments();
        Assert.Equal(2, sealedSegments.Count);
        Assert.Equal(["000000000000.jsonl", "000000000001.jsonl"], sealedSegments.Select(Path.GetFileName));
        Assert.Equal(3, Lines(sealedSegments[0]).Length);
        Assert.Equal("""{"store_id":"1","peso_value":5}""", Lines(sealedSegments[1])[2]);
        Assert.Equal(1, spool.OpenLines);
    }

    [Fact]
    public void Append_past_the_byte_limit_seals_and_strips_a_carriage_return()
    {
        using SegmentSpool spool = Open(maxBytes: 1024);
        spool.Append(Encoding.UTF8.GetBytes(new string('x', 600) + "\r"));
        Assert.Empty(spool.SealedSegments());
        spool.Append(Encoding.UTF8.GetBytes(new string('y', 600)));
        string segment = Assert.Single(spool.SealedSegments());
        Assert.Equal(1202, new FileInfo(segment).Length);
        Assert.DoesNotContain((byte)'\r', File.ReadAllBytes(segment));
    }

    [Fact]
    public void SealIfDue_seals_only_once_the_first_line_is_older_than_the_age_limit()
    {
        using SegmentSpool spool = Open(maxAgeSeconds: 30);
        spool.Append("a"u8);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(spool.SealIfDue());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(spool.SealIfDue());
        Assert.Single(spool.SealedSegments());
        Assert.False(spool.SealIfDue()); // nothing open
    }

    [Fact]
    public void Open_after_a_crash_cuts_the_torn_last_line_and_seals_the_complete_ones()
    {
        Directory.CreateDirectory(_root);
        File.WriteAllText(Path.Combine(_root, "000000000004.open"), "{\"a\":1}\n{\"b\":2}\n{\"c\":");
        File.WriteAllText(Path.Combine(_root, "000000000003.jsonl"), "{\"z\":0}\n");

        using SegmentSpool spool = Open();

        Assert.Equal(new SpoolRecovery(1, 5, 0, 0), spool.Recovery);
        Assert.Equal(["000000000003.jsonl", "000000000004.jsonl"], spool.SealedSegments().Select(Path.GetFileName));
        Assert.Equal("{\"a\":1}\n{\"b\":2}\n", File.ReadAllText(Path.Combine(_root, "000000000004.jsonl")));
        spool.Append("next"u8);
        spool.Seal();
        Assert.Equal("000000000005.jsonl", Path.GetFileName(spool.SealedSegments()[^1])); // no name reused
    }

    [Fact]
    public void Open_deletes_leftover_temp_files_and_open_segments_holding_only_a_torn_line()
    {
        Directory.CreateDirectory(_root);
        File.WriteAllText(Path.Combine(_root, "000000000000.open"), "{\"torn\":");
        File.WriteAllText(Path.Combine(_root, "000000000001.open"), "");
        File.WriteAllText(Path.Combine(_root, "x.tmp"), "half");

        using SegmentSpool spool = Open();

        Assert.Equal(new SpoolRecovery(0, 8, 1, 2), spool.Recovery);
        Assert.Empty(Directory.GetFiles(_root));
        Assert.True(spool.IsEmpty);
    }

    [Fact]
    public void Acknowledge_deletes_only_that_segment_and_MoveToDead_keeps_it_with_the_reason()
    {
        using SegmentSpool spool = Open(maxLines: 1);
        spool.Append("one"u8);
        spool.Append("two"u8);
        IReadOnlyList<string> segments = spool.SealedSegments();

        spool.Acknowledge(segments[0]);
        string dead = spool.MoveToDead(segments[1], "HTTP 400: bad");

        Assert.Empty(spool.SealedSegments());
        Assert.Equal("two\n", File.ReadAllText(dead));
        Assert.Equal("HTTP 400: bad\n", File.ReadAllText(Path.ChangeExtension(dead, ".reason.txt")));
    }

    [Fact]
    public void Dispose_seals_the_open_segment_so_a_graceful_stop_leaves_nothing_open()
    {
        using (SegmentSpool spool = Open())
        {
            spool.Append("kept"u8);
        }

        Assert.Equal(["000000000000.jsonl"], Directory.GetFiles(_root).Select(Path.GetFileName));
    }

    [Fact]
    public void DirectorySync_Flush_fsyncs_a_folder_on_linux()
    {
        Directory.CreateDirectory(_root);
        Assert.Equal(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), DirectorySync.Flush(_root));
        Assert.False(DirectorySync.Flush(Path.Combine(_root, "missing")));
    }

    // Whatever byte the crash tore the open segment at, recovery keeps exactly the lines written whole before it.
    [Property(MaxTest = 60)]
    public void Recovery_after_a_tear_at_any_byte_keeps_exactly_the_complete_lines(PositiveInt lineCount, NonNegativeInt tearSeed)
    {
        string root = Path.Combine(Path.GetTempPath(), "pi-spool-prop-" + Guid.NewGuid().ToString("N"));
        try
        {
            string[] lines = Enumerable.Range(0, lineCount.Get % 20 + 1).Select(i => $$"""{"n":{{i}},"pad":"{{new string('p', i * 7 % 13)}}"}""").ToArray();
            var limits = new SpoolLimits(1 << 20, 1000, TimeSpan.FromHours(1));
            string openPath;
            using (SegmentSpool spool = SegmentSpool.Open(root, limits, TimeProvider.System, NullLogger.Instance))
            {
                foreach (string line in lines)
                {
                    spool.Append(Encoding.UTF8.GetBytes(line));
                }

                spool.Flush();
                openPath = Directory.GetFiles(root, "*.open").Single();
                File.Copy(openPath, openPath + ".copy"); // the bytes as they are on disk before the (graceful) close
            }

            // Simulate the crash: only the first `tear` bytes of the open segment reached the disk.
            File.Delete(Path.ChangeExtension(openPath, ".jsonl"));
            byte[] bytes = File.ReadAllBytes(openPath + ".copy");
            File.Delete(openPath + ".copy");
            int tear = tearSeed.Get % (bytes.Length + 1);
            File.WriteAllBytes(openPath, bytes[..tear]);

            using SegmentSpool recovered = SegmentSpool.Open(root, limits, TimeProvider.System, NullLogger.Instance);
            string[] kept = recovered.SealedSegments().SelectMany(Lines).ToArray();
            int whole = Encoding.UTF8.GetString(bytes[..tear]).Count(c => c == '\n');
            Assert.Equal(lines[..whole], kept);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
