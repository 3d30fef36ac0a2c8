using Lakehouse.Samples.Pi.Spool;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Samples.Pi.Inbox;

/// <summary>
/// With <c>--stdin</c>: reads JSON Lines from standard input into the spool, making them durable at least every
/// <see cref="PiOptions.StdinFlushInterval"/> and at end of input. A line not yet flushed when the process is
/// killed is lost (nothing acknowledged it to the writer).
/// </summary>
internal sealed class StdinService(LineIngestor ingestor, PiOptions options, ILogger<StdinService> log, Func<Stream>? openInput = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Reading a console or pipe may block a thread and ignore cancellation: run it aside and stop waiting on shutdown.
        Task reading = Task.Run(() => ReadAllAsync(stoppingToken), CancellationToken.None);
        using var flusher = new PeriodicTimer(options.StdinFlushInterval);
        try
        {
            while (!reading.IsCompleted && await flusher.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                ingestor.Spool.Flush();
            }

            await reading.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down: the spool flushes as it closes
        }
        catch (ObjectDisposedException)
        {
            // spool closed while a line was being read
        }
    }

    private async Task ReadAllAsync(CancellationToken cancellationToken)
    {
        using var rejects = new RejectFile(Path.Combine(ingestor.Spool.RejectedPath, "stdin.rejected.jsonl"), "stdin");
        Stream input = openInput?.Invoke() ?? Console.OpenStandardInput();
        await using (input.ConfigureAwait(false))
        {
            IngestCounts counts = await ingestor.ReadAsync(input, rejects, cancellationToken, rejects.Commit).ConfigureAwait(false);
            ingestor.Spool.Flush();
            rejects.Commit();
            PiLog.StdinEnded(log, counts.Valid, counts.Rejected);
        }
    }
}
