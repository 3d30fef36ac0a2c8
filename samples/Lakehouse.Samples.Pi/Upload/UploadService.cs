using Lakehouse.Samples.Pi.Spool;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Samples.Pi.Upload;

/// <summary>Seals the open segment when it is old enough and uploads sealed segments, oldest first, until stopped.</summary>
internal sealed class UploadService(SegmentUploader uploader, SegmentSpool spool, PiOptions options, ILogger<UploadService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        TimeSpan tick = options.SegmentMaxAge < TimeSpan.FromSeconds(1) ? options.SegmentMaxAge : TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                spool.SealIfDue();
                IReadOnlyList<UploadOutcome> outcomes = await uploader.DrainAsync(stoppingToken).ConfigureAwait(false);
                if (outcomes.Count > 0 && outcomes[^1] != UploadOutcome.Deferred)
                {
                    continue; // more may have been sealed meanwhile
                }

                await spool.WaitForSealedAsync(outcomes.Count > 0 ? options.RetryMaxDelay : tick, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (IOException ex)
            {
                PiLog.UploadLoopFailed(log, ex);
                await Task.Delay(tick, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
