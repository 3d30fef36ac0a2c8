using Lakehouse.Samples.Pi.Spool;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Samples.Pi.Inbox;

/// <summary>
/// Takes complete <c>*.jsonl</c> / <c>*.ndjson</c> files from the inbox (writers drop them under a temporary name
/// such as <c>x.jsonl.tmp</c> or <c>x.partial</c> and rename when done; other names are ignored), reads them into the
/// spool and deletes each one (or moves it to <c>done/</c>) only once its lines are durable there.
/// Polls, and a <see cref="FileSystemWatcher"/> wakes the poll early where the platform offers one.
/// </summary>
internal sealed class InboxService(LineIngestor ingestor, PiOptions options, TimeProvider time, ILogger<InboxService> log) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string inbox = Path.GetFullPath(options.InboxPath!);
        Directory.CreateDirectory(inbox);
        using FileSystemWatcher? watcher = TryWatch(inbox);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ScanOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (IOException ex)
            {
                PiLog.InboxScanFailed(log, ex);
            }

            try
            {
                await _wake.WaitAsync(options.InboxPollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Ingests every ready file once; returns how many.</summary>
    internal async Task<int> ScanOnceAsync(CancellationToken cancellationToken)
    {
        int count = 0;
        foreach (string file in ReadyFiles(Path.GetFullPath(options.InboxPath!)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await IngestFileAsync(file, cancellationToken).ConfigureAwait(false))
            {
                count++;
            }
        }

        return count;
    }

    private List<string> ReadyFiles(string inbox)
    {
        DateTime settled = time.GetUtcNow().UtcDateTime - options.InboxSettleTime;
        var ready = new List<string>();
        foreach (string file in Directory.EnumerateFiles(inbox))
        {
            string name = Path.GetFileName(file);
            if (name.StartsWith('.') || !(name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase)))
            {
                continue; // *.tmp, *.partial, hidden files: still being written
            }

            if (File.GetLastWriteTimeUtc(file) <= settled)
            {
                ready.Add(file);
            }
        }

        ready.Sort(StringComparer.Ordinal);
        return ready;
    }

    private async Task<bool> IngestFileAsync(string file, CancellationToken cancellationToken)
    {
        string name = Path.GetFileName(file);
        FileStream input;
        try
        {
            input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            PiLog.InboxFileUnreadable(log, name, ex);
            return false;
        }

        IngestCounts counts;
        using (var rejects = new RejectFile(Path.Combine(ingestor.Spool.RejectedPath, name + ".rejected.jsonl"), name))
        {
            await using (input.ConfigureAwait(false))
            {
                counts = await ingestor.ReadAsync(input, rejects, cancellationToken).ConfigureAwait(false);
            }

            ingestor.Spool.Flush();  // the file's lines are durable in the spool...
            rejects.Commit();
        }

        string inbox = Path.GetDirectoryName(file)!;
        if (options.KeepProcessedFiles)   // ...and only now does the file go
        {
            string done = Path.Combine(inbox, "done");
            Directory.CreateDirectory(done);
            File.Move(file, Path.Combine(done, name), overwrite: true);
            DirectorySync.Flush(done);
        }
        else
        {
            File.Delete(file);
        }

        DirectorySync.Flush(inbox);
        PiLog.InboxFileIngested(log, name, counts.Valid, counts.Rejected);
        return true;
    }

    private FileSystemWatcher? TryWatch(string inbox)
    {
        try
        {
            var watcher = new FileSystemWatcher(inbox) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite };
            watcher.Created += (_, _) => Wake();
            watcher.Renamed += (_, _) => Wake();
            watcher.Changed += (_, _) => Wake();
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception ex) when (ex is IOException or PlatformNotSupportedException or ArgumentException)
        {
            PiLog.WatcherUnavailable(log, ex.Message);
            return null;
        }
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // already awake
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
