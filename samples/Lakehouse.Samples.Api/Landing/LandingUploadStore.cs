using System.Security.Cryptography;
using System.Threading.Channels;
using Lakehouse.Ingest;

namespace Lakehouse.Samples.Api.Landing;

/// <summary>How an upload ended.</summary>
internal enum LandingStoreOutcome
{
    Created,
    SameContent,
    Replaced,
    Conflict,
    Empty,
}

/// <summary>
/// Writes uploaded files into the landing zone, durably and atomically (a hidden <c>.part</c> file, flushed to
/// disk, then renamed to its <c>.jsonl</c> name, so <see cref="LandingZoneLoader"/> never sees half a file), and
/// runs landing passes in the background: one at start-up and one after each batch of uploads (signals that arrive
/// during a pass coalesce into one more pass).
/// </summary>
internal sealed partial class LandingUploadStore(LandingZoneLoader loader, ApiSettings settings, ILogger<LandingUploadStore> logger) : BackgroundService
{
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public string Root { get; } = Path.GetFullPath(settings.LandingRoot);

    public async Task<(LandingStoreOutcome Outcome, long Size, string Sha256)> StoreAsync(
        string date, string device, string file, Stream body, bool upsert, CancellationToken cancellationToken)
    {
        string directory = Path.Combine(Root, date, device);
        Directory.CreateDirectory(directory);
        string target = Path.Combine(directory, file);
        string temp = Path.Combine(directory, "." + file + "." + Guid.NewGuid().ToString("N") + ".part");
        byte[] sha;
        long size;
        try
        {
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
                await using (stream.ConfigureAwait(false))
                {
                    byte[] chunk = new byte[81920];
                    int read;
                    while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        hash.AppendData(chunk, 0, read);
                        await stream.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    }

                    stream.Flush(flushToDisk: true);
                    size = stream.Length;
                }

                sha = hash.GetHashAndReset();
            }

            string hex = Convert.ToHexStringLower(sha);
            if (size == 0)
            {
                return (LandingStoreOutcome.Empty, 0, hex);
            }

            if (File.Exists(target))
            {
                byte[] existing;
                var old = new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await using (old.ConfigureAwait(false))
                {
                    existing = await SHA256.HashDataAsync(old, cancellationToken).ConfigureAwait(false);
                }

                if (existing.AsSpan().SequenceEqual(sha))
                {
                    return (LandingStoreOutcome.SameContent, size, hex);
                }

                if (!upsert)
                {
                    return (LandingStoreOutcome.Conflict, size, hex);
                }

                File.Move(temp, target, overwrite: true);
                Signal();
                return (LandingStoreOutcome.Replaced, size, hex);
            }

            try
            {
                File.Move(temp, target, overwrite: false);
            }
            catch (IOException) when (File.Exists(target))
            {
                return (LandingStoreOutcome.Conflict, size, hex);
            }

            Signal();
            return (LandingStoreOutcome.Created, size, hex);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Asks for a landing pass soon.</summary>
    public void Signal() => _signal.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Directory.CreateDirectory(Root);
        Signal();
        try
        {
            while (await _signal.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                _signal.Reader.TryRead(out _);
                try
                {
                    LandingZoneResult result = await loader.LoadAsync(null, stoppingToken).ConfigureAwait(false);
                    LogPass(logger, result.FilesLoaded, result.FilesSkipped, result.Totals.Inserted, result.BadPaths.Count);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The files stay on disk unrecorded; the next pass (next upload or restart) loads them.
                    LogPassFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Landing pass: {Loaded} files loaded, {Skipped} already loaded, {Inserted} events inserted, {Bad} bad paths")]
    private static partial void LogPass(ILogger logger, int loaded, int skipped, long inserted, int bad);

    [LoggerMessage(Level = LogLevel.Error, Message = "Landing pass failed; it is retried on the next upload or restart")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
