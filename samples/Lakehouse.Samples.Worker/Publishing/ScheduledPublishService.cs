using System.Globalization;
using Cronos;
using Lakehouse.Publisher;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Lakehouse.Samples.Worker;

/// <summary>
/// Publishes each configured dataset at every occurrence of its cron schedule (a "slot"). A slot is published at
/// most once across every worker on the database: the publish runs under a session advisory lock per dataset
/// (<c>pg_try_advisory_lock</c> on a dedicated connection; a worker that finds it held skips), and under the lock the
/// latest published version's manifest is read: its watermark is the slot it stands for, so a slot already published
/// (or overtaken by a later one) is left alone. At start, the most recent slot within the catch-up window is
/// published when nobody did (a worker that was down at that time loses nothing).
/// </summary>
internal sealed partial class ScheduledPublishService(
    NpgsqlDataSource dataSource,
    DatasetPublisher publisher,
    WorkerStatus status,
    IOptions<WorkerOptions> options,
    TimeProvider time,
    ILogger<ScheduledPublishService> logger) : BackgroundService
{
    // Two-int advisory lock keys live apart from the one-bigint keys the Medallion runner and migrations use.
    private const int LockClass = 0x4C485042; // "LHPB"

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        WorkerOptions all = options.Value;
        WorkerOptionsValidator.TryFindTimeZone(all.TimeZone, out TimeZoneInfo zone);
        await Task.WhenAll(all.Datasets.Select(d => RunScheduleAsync(d, zone, stoppingToken))).ConfigureAwait(false);
    }

    private async Task RunScheduleAsync(ScheduledDataset scheduled, TimeZoneInfo zone, CancellationToken stoppingToken)
    {
        CronExpression cron = Cron.Parse(scheduled.Schedule);
        DatasetDefinition definition = WorkerDatasets.Find(scheduled.Name)!;
        string firstVersion = scheduled.Version ?? definition.Version;
        DateTimeOffset now = time.GetUtcNow();
        DateTimeOffset cursor = now - scheduled.CatchUpWindow;
        bool catchUp = scheduled.CatchUpWindow > TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            now = time.GetUtcNow();
            // The latest slot already due and not yet handled: missed ones in between are covered by it (one version
            // of the data as it is now, not a backlog of identical exports).
            DateTimeOffset? slot = catchUp ? cron.GetOccurrences(cursor, now, zone, fromInclusive: false, toInclusive: true).Cast<DateTimeOffset?>().LastOrDefault() : null;
            catchUp = true;
            if (slot is null)
            {
                cursor = now; // nothing due in (cursor, now]
                DateTimeOffset? next = cron.GetNextOccurrence(now, zone);
                if (next is null)
                {
                    Log.NoMoreOccurrences(logger, scheduled.Name);
                    return;
                }

                try
                {
                    TimeSpan wait = next.Value - now;
                    await Task.Delay(wait > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : wait, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            cursor = slot.Value;
            try
            {
                await PublishSlotAsync(definition, firstVersion, slot.Value, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The slot is lost for this worker; another worker, or the next slot, publishes the data.
                Log.PublishFailed(logger, e, scheduled.Name, SlotText(slot.Value));
            }
        }
    }

    /// <summary>Publishes the version for <paramref name="slot"/> unless another worker holds the dataset or already did it.</summary>
    /// <returns>The published version, or null when skipped.</returns>
    internal async Task<string?> PublishSlotAsync(DatasetDefinition definition, string firstVersion, DateTimeOffset slot, CancellationToken cancellationToken)
    {
        string slotText = SlotText(slot);
        NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            if (!await LockAsync(connection, "pg_try_advisory_lock", definition.Name, cancellationToken).ConfigureAwait(false))
            {
                status.PublishSkipped();
                Log.Held(logger, definition.Name, slotText);
                return null;
            }

            try
            {
                DatasetStore store = publisher.Store;
                IReadOnlyList<string> versions = store.ListVersions(definition.Name);
                string? latest = versions.Count > 0 ? versions[^1] : null;
                if (latest is not null && ParseSlot(store.ReadManifest(definition.Name, latest).Watermark) is { } done && done >= slot)
                {
                    status.PublishSkipped();
                    Log.AlreadyPublished(logger, definition.Name, slotText, latest);
                    return null;
                }

                string version = DatasetVersions.Next(firstVersion, latest);
                (DatasetManifest manifest, _) = await publisher.PublishAsync(definition.WithVersion(version), slotText, cancellationToken).ConfigureAwait(false);
                status.Published();
                Log.Published(logger, definition.Name, manifest.Version, slotText, manifest.Rows);
                return manifest.Version;
            }
            finally
            {
                await LockAsync(connection, "pg_advisory_unlock", definition.Name, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static async Task<bool> LockAsync(NpgsqlConnection connection, string function, string dataset, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand($"SELECT {function}({LockClass}, hashtext($1))", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = "publish:" + dataset });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The manifest watermark of a scheduled version: the slot in UTC, ISO-8601.</summary>
    internal static string SlotText(DateTimeOffset slot) => slot.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    internal static DateTimeOffset? ParseSlot(string? watermark) =>
        DateTimeOffset.TryParseExact(watermark, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset slot) ? slot : null;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Published {Dataset} {Version} for slot {Slot}: {Rows} rows")]
        public static partial void Published(ILogger logger, string dataset, string version, string slot, long rows);

        [LoggerMessage(2, LogLevel.Information, "Slot {Slot} of {Dataset} skipped: another worker is publishing it")]
        public static partial void Held(ILogger logger, string dataset, string slot);

        [LoggerMessage(3, LogLevel.Information, "Slot {Slot} of {Dataset} already published (latest version {Version})")]
        public static partial void AlreadyPublished(ILogger logger, string dataset, string slot, string version);

        [LoggerMessage(4, LogLevel.Error, "Publishing {Dataset} for slot {Slot} failed")]
        public static partial void PublishFailed(ILogger logger, Exception exception, string dataset, string slot);

        [LoggerMessage(5, LogLevel.Warning, "The schedule of {Dataset} has no further occurrence")]
        public static partial void NoMoreOccurrences(ILogger logger, string dataset);
    }
}
