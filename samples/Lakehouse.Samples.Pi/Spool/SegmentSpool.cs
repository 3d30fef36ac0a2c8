using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Samples.Pi.Spool;

/// <summary>Limits that seal the open segment.</summary>
internal readonly record struct SpoolLimits(long MaxBytes, int MaxLines, TimeSpan MaxAge);

/// <summary>What recovery found at start.</summary>
internal readonly record struct SpoolRecovery(int SealedOpenSegments, long TornBytes, int TempFilesDeleted, int EmptySegmentsDeleted);

/// <summary>
/// The durable local spool: valid raw lines appended to one open segment (<c>{seq}.open</c>), which is sealed
/// (fsync, rename to <c>{seq}.jsonl</c>, fsync of the folder) when it reaches a limit of bytes, lines or age.
/// Sealed segments are what the uploader sends, oldest first; one is deleted only after the Api acknowledged it,
/// or moved to <c>dead/</c> when the Api refused it for good.
/// </summary>
/// <remarks>
/// Crash safety: a line is durable once <see cref="Flush"/> (or a seal) returned. A crash can leave an open
/// segment whose last line has no newline (torn); <see cref="Open"/> cuts it off and seals what is before it.
/// Thread-safe: one writer (inbox or stdin) and the uploader may use it at once.
/// </remarks>
internal sealed class SegmentSpool : IDisposable
{
    public const string OpenExtension = ".open";
    public const string SealedExtension = ".jsonl";
    public const string DeadFolder = "dead";
    public const string RejectedFolder = "rejected";

    private readonly Lock _gate = new();
    private readonly SpoolLimits _limits;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Channel<bool> _sealedSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _nextSequence;
    private FileStream? _open;
    private string? _openPath;
    private long _openBytes;
    private int _openLines;
    private DateTimeOffset _openedAt;
    private bool _dirty;
    private bool _disposed;

    private SegmentSpool(string root, SpoolLimits limits, TimeProvider time, ILogger log)
    {
        Root = root;
        _limits = limits;
        _time = time;
        _log = log;
    }

    /// <summary>The spool folder.</summary>
    public string Root { get; }

    /// <summary>Where refused segments go.</summary>
    public string DeadPath => Path.Combine(Root, DeadFolder);

    /// <summary>Where rejected lines are recorded.</summary>
    public string RejectedPath => Path.Combine(Root, RejectedFolder);

    /// <summary>What recovery did at open.</summary>
    public SpoolRecovery Recovery { get; private set; }

    /// <summary>Lines in the open segment (not yet sealed).</summary>
    public int OpenLines
    {
        get
        {
            lock (_gate)
            {
                return _openLines;
            }
        }
    }

    /// <summary>Opens the spool at <paramref name="root"/>, creating its folders, and recovers from a crash.</summary>
    public static SegmentSpool Open(string root, SpoolLimits limits, TimeProvider time, ILogger log)
    {
        var spool = new SegmentSpool(Path.GetFullPath(root), limits, time, log);
        spool.Recover();
        return spool;
    }

    /// <summary>Appends one line (without its terminator; a newline is added). May seal the segment.</summary>
    public void Append(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            FileStream open = _open ?? CreateOpenSegment();
            open.Write(line);
            open.WriteByte((byte)'\n');
            _openBytes += line.Length + 1;
            _openLines++;
            _dirty = true;
            if (_openBytes >= _limits.MaxBytes || _openLines >= _limits.MaxLines)
            {
                SealLocked();
            }
        }
    }

    /// <summary>Makes every appended line durable (flush and fsync of the open segment).</summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (_open is not null && _dirty)
            {
                _open.Flush(flushToDisk: true);
                _dirty = false;
            }
        }
    }

    /// <summary>Seals the open segment when it is older than the age limit; true when it did.</summary>
    public bool SealIfDue()
    {
        lock (_gate)
        {
            if (_open is null || _openLines == 0 || _time.GetUtcNow() - _openedAt < _limits.MaxAge)
            {
                return false;
            }

            SealLocked();
            return true;
        }
    }

    /// <summary>Seals the open segment now if it holds any line.</summary>
    public void Seal()
    {
        lock (_gate)
        {
            if (_open is not null && _openLines > 0)
            {
                SealLocked();
            }
        }
    }

    /// <summary>Sealed segments waiting for upload, oldest first (full paths).</summary>
    public IReadOnlyList<string> SealedSegments()
    {
        string[] files = Directory.GetFiles(Root, "*" + SealedExtension);
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    /// <summary>True when nothing waits: no sealed segment and no line in the open one.</summary>
    public bool IsEmpty => OpenLines == 0 && SealedSegments().Count == 0;

    /// <summary>Waits until a segment is sealed, or <paramref name="timeout"/> passes.</summary>
    public async Task WaitForSealedAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _sealedSignal.Reader.WaitToReadAsync(timer.Token).ConfigureAwait(false);
            _sealedSignal.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // timed out: the caller looks again anyway
        }
    }

    /// <summary>The Api acknowledged <paramref name="segment"/>: delete it (and make the deletion durable).</summary>
    public void Acknowledge(string segment)
    {
        File.Delete(segment);
        DirectorySync.Flush(Root);
    }

    /// <summary>The Api refused <paramref name="segment"/> for good: move it to <c>dead/</c> with the reason beside it.</summary>
    public string MoveToDead(string segment, string reason)
    {
        Directory.CreateDirectory(DeadPath);
        string name = Path.GetFileName(segment);
        string target = Path.Combine(DeadPath, name);
        using (var why = new FileStream(Path.ChangeExtension(target, ".reason.txt"), FileMode.Create, FileAccess.Write))
        {
            why.Write(System.Text.Encoding.UTF8.GetBytes(reason + "\n"));
            why.Flush(flushToDisk: true);
        }

        File.Move(segment, target, overwrite: true);
        DirectorySync.Flush(DeadPath);
        DirectorySync.Flush(Root);
        return target;
    }

    /// <summary>
    /// Keeps the lines of <paramref name="segment"/> starting at byte <paramref name="offset"/> that the Api refused
    /// for good as <c>dead/{seq}.at-{offset}.jsonl</c> with the reason beside it (written to a temp file, fsync'd,
    /// renamed), while the rest of the segment was delivered. Writing the same part again replaces it.
    /// </summary>
    public string WriteDead(string segment, int offset, ReadOnlySpan<byte> lines, string reason)
    {
        Directory.CreateDirectory(DeadPath);
        string stem = Path.GetFileNameWithoutExtension(segment) + ".at-" + offset.ToString(CultureInfo.InvariantCulture);
        string target = Path.Combine(DeadPath, stem + SealedExtension);
        string temp = target + ".tmp";
        using (var why = new FileStream(Path.Combine(DeadPath, stem + ".reason.txt"), FileMode.Create, FileAccess.Write))
        {
            why.Write(System.Text.Encoding.UTF8.GetBytes(reason + "\n"));
            why.Flush(flushToDisk: true);
        }

        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            file.Write(lines);
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, target, overwrite: true);
        DirectorySync.Flush(DeadPath);
        return target;
    }

    /// <summary>Flushes and seals the open segment, then closes the spool.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (_open is not null)
            {
                if (_openLines > 0)
                {
                    SealLocked();
                }
                else
                {
                    _open.Dispose();
                    File.Delete(_openPath!);
                    _open = null;
                }
            }

            _disposed = true;
            _sealedSignal.Writer.TryComplete();
        }
    }

    private FileStream CreateOpenSegment()
    {
        string path = Path.Combine(Root, SegmentName(_nextSequence++) + OpenExtension);
        _open = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 64 * 1024);
        DirectorySync.Flush(Root);
        _openPath = path;
        _openBytes = 0;
        _openLines = 0;
        _openedAt = _time.GetUtcNow();
        return _open;
    }

    private void SealLocked()
    {
        FileStream open = _open!;
        open.Flush(flushToDisk: true);
        open.Dispose();
        string sealedPath = Path.ChangeExtension(_openPath!, SealedExtension);
        File.Move(_openPath!, sealedPath);
        DirectorySync.Flush(Root);
        PiLog.SegmentSealed(_log, Path.GetFileName(sealedPath), _openLines, _openBytes);
        _open = null;
        _openPath = null;
        _openLines = 0;
        _openBytes = 0;
        _dirty = false;
        _sealedSignal.Writer.TryWrite(true);
    }

    internal static string SegmentName(long sequence) => sequence.ToString("D12", CultureInfo.InvariantCulture);

    private void Recover()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(DeadPath);
        Directory.CreateDirectory(RejectedPath);
        int temps = 0, sealedOpen = 0, empty = 0;
        long torn = 0;
        foreach (string temp in Directory.GetFiles(Root, "*.tmp").Concat(Directory.GetFiles(DeadPath, "*.tmp")))
        {
            File.Delete(temp); // a half-written file of ours: its content is still in its source
            temps++;
        }

        string[] open = Directory.GetFiles(Root, "*" + OpenExtension);
        Array.Sort(open, StringComparer.Ordinal);
        foreach (string path in open)
        {
            long cut = TruncateTornTail(path);
            torn += cut;
            if (new FileInfo(path).Length == 0)
            {
                File.Delete(path);
                empty++;
            }
            else
            {
                File.Move(path, Path.ChangeExtension(path, SealedExtension), overwrite: true);
                sealedOpen++;
            }
        }

        DirectorySync.Flush(Root);
        long max = -1;
        foreach (string file in Directory.GetFiles(Root, "*" + SealedExtension).Concat(Directory.GetFiles(DeadPath, "*" + SealedExtension)))
        {
            string stem = Path.GetFileNameWithoutExtension(file);
            int dot = stem.IndexOf('.', StringComparison.Ordinal); // dead parts of a split segment: {seq}.at-{offset}
            if (long.TryParse(dot < 0 ? stem : stem[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out long seq))
            {
                max = Math.Max(max, seq);
            }
        }

        _nextSequence = max + 1;
        Recovery = new SpoolRecovery(sealedOpen, torn, temps, empty);
        if (sealedOpen + temps + empty > 0 || torn > 0)
        {
            PiLog.SpoolRecovered(_log, sealedOpen, torn, temps, empty);
        }

        if (max >= 0)
        {
            _sealedSignal.Writer.TryWrite(true);
        }
    }

    /// <summary>Cuts everything after the last newline (a torn line from a crash); returns the bytes cut.</summary>
    internal static long TruncateTornTail(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        long length = file.Length;
        long keep = 0;
        byte[] buffer = new byte[64 * 1024];
        long end = length;
        while (end > 0 && keep == 0)
        {
            int size = (int)Math.Min(buffer.Length, end);
            file.Position = end - size;
            file.ReadExactly(buffer, 0, size);
            int newline = buffer.AsSpan(0, size).LastIndexOf((byte)'\n');
            if (newline >= 0)
            {
                keep = end - size + newline + 1;
            }

            end -= size;
        }

        if (keep < length)
        {
            file.SetLength(keep);
            file.Flush(flushToDisk: true);
        }

        return length - keep;
    }
}
