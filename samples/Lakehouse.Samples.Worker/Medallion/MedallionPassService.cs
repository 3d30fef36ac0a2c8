using Cronos;
using Lakehouse.Medallion;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lakehouse.Samples.Worker;

/// <summary>
/// Runs <see cref="MedallionRunner.RunAsync"/> once at start, then whenever bronze changed (after the debounce, so a
/// burst of loads is one pass), at each cron occurrence, and at the latest every safety interval. Two workers never
/// run a pass at the same time: the runner holds an advisory lock and the second one returns <c>Skipped</c>; this
/// worker then tries again after the debounce, so rows that committed after the other run fixed its bound are not
/// left waiting for the safety pass. A pass over nothing new does nothing (the watermark is in the database).
/// </summary>
internal sealed partial class MedallionPassService(
    MedallionRunner runner,
    MedallionSignal signal,
    WorkerStatus status,
    IOptions<WorkerOptions> options,
    TimeProvider time,
    ILogger<MedallionPassService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // let the host finish starting the other services
        WorkerOptions all = options.Value;
        MedallionScheduleOptions o = all.Medallion;
        WorkerOptionsValidator.TryFindTimeZone(all.TimeZone, out TimeZoneInfo zone);
        CronExpression? cron = o.Schedule is null ? null : Cron.Parse(o.Schedule);
        DateTimeOffset lastPass = time.GetUtcNow();
        DateTimeOffset? nextCron = cron?.GetNextOccurrence(lastPass, zone);
        int failures = 0;
        string reason = "start";
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (reason == "bronze changed" && o.Debounce > TimeSpan.Zero)
                {
                    // Coalesce: notifications arriving during the debounce are covered by this one pass.
                    await Task.Delay(o.Debounce, time, stoppingToken).ConfigureAwait(false);
                }

                signal.Clear();
                var progress = new LastReport();
                MedallionRunResult result;
                try
                {
                    result = await runner.RunAsync(progress, stoppingToken).ConfigureAwait(false);
                }
                finally
                {
                    // Batches commit one by one: count what was committed even when the pass stopped half-way.
                    status.RowsApplied(progress.Last?.BronzeRead ?? 0);
                }

                failures = 0;
                if (result.Skipped)
                {
                    status.PassSkipped();
                    Log.Skipped(logger, reason);
                    _ = RetryLaterAsync(o.Debounce > TimeSpan.Zero ? o.Debounce : TimeSpan.FromSeconds(1), stoppingToken);
                }
                else
                {
                    status.PassRan();
                    Log.Pass(logger, reason, result.BronzeRead, result.SilverInserted, result.Quarantined, result.Watermark);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                Log.Stopping(logger);
                return;
            }
            catch (Exception e)
            {
                // A database outage or a bad row: keep the worker up and retry with backoff; committed batches stay.
                failures++;
                TimeSpan delay = Backoff.Delay(o.ReconnectBaseDelay, o.ReconnectMaxDelay, failures);
                Log.PassFailed(logger, e, reason, delay);
                _ = RetryLaterAsync(delay, stoppingToken);
            }

            // Every attempt (ran, skipped or failed) restarts the safety interval; skips and failures retry through the signal.
            lastPass = time.GetUtcNow();

            // Wait for the next reason to run: a signal, the cron occurrence or the safety interval.
            while (true)
            {
                DateTimeOffset now = time.GetUtcNow();
                if (nextCron is { } due0 && due0 <= now)
                {
                    nextCron = cron!.GetNextOccurrence(now, zone);
                    reason = "schedule";
                    break;
                }

                DateTimeOffset due = lastPass + o.SafetyInterval;
                if (due <= now)
                {
                    reason = "safety interval";
                    break;
                }

                if (nextCron is { } c && c < due)
                {
                    due = c;
                }

                try
                {
                    if (await signal.WaitAsync(due - now, time, stoppingToken).ConfigureAwait(false))
                    {
                        reason = "bronze changed";
                        break;
                    }
                }
                catch (OperationCanceledException)
                {
                    Log.Stopping(logger);
                    return;
                }
            }
        }
    }

    private async Task RetryLaterAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            signal.Signal();
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    // Synchronous (Progress<T> would post to the thread pool and could report after the pass returned).
    private sealed class LastReport : IProgress<MedallionRunResult>
    {
        public MedallionRunResult? Last { get; private set; }

        public void Report(MedallionRunResult value) => Last = value;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Medallion pass ({Reason}): {BronzeRead} bronze rows read, {Silver} to silver, {Quarantined} quarantined, watermark {Watermark}")]
        public static partial void Pass(ILogger logger, string reason, long bronzeRead, long silver, long quarantined, long watermark);

        [LoggerMessage(2, LogLevel.Information, "Medallion pass ({Reason}) skipped: another runner holds the lock; trying again shortly")]
        public static partial void Skipped(ILogger logger, string reason);

        [LoggerMessage(3, LogLevel.Error, "Medallion pass ({Reason}) failed; retrying in {Delay}")]
        public static partial void PassFailed(ILogger logger, Exception exception, string reason, TimeSpan delay);

        [LoggerMessage(4, LogLevel.Information, "Medallion passes stopping")]
        public static partial void Stopping(ILogger logger);
    }
}
