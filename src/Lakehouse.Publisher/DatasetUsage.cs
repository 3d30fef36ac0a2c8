using Npgsql;

namespace Lakehouse.Publisher;

/// <summary>How a consumer used a dataset.</summary>
public enum UsageAction
{
    /// <summary>Downloaded files.</summary>
    Download,

    /// <summary>Read (queried) the files in place.</summary>
    Read,

    /// <summary>Called an API backed by the dataset.</summary>
    ApiCall,
}

/// <summary>One day of one dataset's usage.</summary>
/// <param name="Day">The UTC day.</param>
/// <param name="Dataset">The dataset.</param>
/// <param name="Events">Events recorded.</param>
/// <param name="Consumers">Distinct consumers.</param>
/// <param name="Bytes">Bytes served.</param>
public readonly record struct DailyUsage(DateOnly Day, string Dataset, long Events, long Consumers, long Bytes);

/// <summary>A consumer's usage over a period.</summary>
/// <param name="Consumer">The consumer.</param>
/// <param name="Events">Events recorded.</param>
/// <param name="Bytes">Bytes served.</param>
/// <param name="LastAt">The latest event.</param>
public readonly record struct ConsumerUsage(string Consumer, long Events, long Bytes, DateTimeOffset LastAt);

/// <summary>An active subscription that looks abandoned.</summary>
/// <param name="SubscriptionId">The subscription.</param>
/// <param name="Subscriber">Its subscriber (also matched as the consumer name of usage events).</param>
/// <param name="LastDeliveredAt">The last successful delivery, or null for none ever.</param>
/// <param name="LastReadAt">The subscriber's last usage event, or null for none ever.</param>
public readonly record struct StaleSubscriber(long SubscriptionId, string Subscriber, DateTimeOffset? LastDeliveredAt, DateTimeOffset? LastReadAt);

/// <summary>Usage analytics: records who downloads, reads or calls what (<c>publisher.usage_events</c>) and summarises it.</summary>
/// <param name="dataSource">The database (migrated with <see cref="PublisherSchema"/>).</param>
/// <param name="timeProvider">The clock of recorded events and of "N days ago"; <see cref="TimeProvider.System"/> when null.</param>
public sealed class DatasetUsage(NpgsqlDataSource dataSource, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _timeProvider = timeProvider ?? TimeProvider.System;

    /// <summary>Records one usage event, stamped now.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="version">The version used, or null when unknown.</param>
    /// <param name="consumer">Who (a subscriber name, an API key name…).</param>
    /// <param name="action">What.</param>
    /// <param name="bytes">Bytes served (0 when not applicable).</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    /// <returns>A task that completes when recorded.</returns>
    public async Task RecordAsync(string dataset, string? version, string consumer, UsageAction action, long bytes = 0, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataset);
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        using NpgsqlCommand command = dataSource.CreateCommand(
            "INSERT INTO publisher.usage_events (dataset, version, consumer, action, bytes, at) VALUES ($1, $2, $3, $4, $5, $6)");
        command.Parameters.Add(new() { Value = dataset });
        command.Parameters.Add(new() { Value = (object?)version ?? DBNull.Value });
        command.Parameters.Add(new() { Value = consumer });
        command.Parameters.Add(new() { Value = action switch { UsageAction.Download => "download", UsageAction.Read => "read", _ => "api_call" } });
        command.Parameters.Add(new() { Value = bytes });
        command.Parameters.Add(new() { Value = _timeProvider.GetUtcNow() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Usage per UTC day and dataset over the last <paramref name="days"/> days, oldest first.</summary>
    /// <param name="days">How many days back, today included.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>One row per day and dataset with events.</returns>
    public async Task<IReadOnlyList<DailyUsage>> DailyAsync(int days = 30, CancellationToken cancellationToken = default)
    {
        using NpgsqlCommand command = dataSource.CreateCommand(
            "SELECT (at AT TIME ZONE 'UTC')::date, dataset, count(*), count(DISTINCT consumer), coalesce(sum(bytes), 0)::bigint " +
            "FROM publisher.usage_events WHERE at >= $1 GROUP BY 1, 2 ORDER BY 1, 2");
        command.Parameters.Add(new() { Value = Since(days) });
        var rows = new List<DailyUsage>();
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(new DailyUsage(reader.GetFieldValue<DateOnly>(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
            }
        }

        return rows;
    }

    /// <summary>The heaviest consumers over the last <paramref name="days"/> days, by bytes then events.</summary>
    /// <param name="top">How many.</param>
    /// <param name="days">How many days back.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>Up to <paramref name="top"/> consumers.</returns>
    public async Task<IReadOnlyList<ConsumerUsage>> TopConsumersAsync(int top = 10, int days = 30, CancellationToken cancellationToken = default)
    {
        using NpgsqlCommand command = dataSource.CreateCommand(
            "SELECT consumer, count(*), coalesce(sum(bytes), 0)::bigint, max(at) FROM publisher.usage_events WHERE at >= $1 " +
            "GROUP BY consumer ORDER BY 3 DESC, 2 DESC, 1 LIMIT $2");
        command.Parameters.Add(new() { Value = Since(days) });
        command.Parameters.Add(new() { Value = top });
        var rows = new List<ConsumerUsage>();
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(new ConsumerUsage(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3)));
            }
        }

        return rows;
    }

    /// <summary>
    /// Active subscriptions with no successful delivery, or whose subscriber recorded no usage, in the last
    /// <paramref name="days"/> days: candidates to contact or deactivate.
    /// </summary>
    /// <param name="days">The window.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The stale subscriptions, by id.</returns>
    public async Task<IReadOnlyList<StaleSubscriber>> StaleSubscribersAsync(int days = 30, CancellationToken cancellationToken = default)
    {
        using NpgsqlCommand command = dataSource.CreateCommand(
            """
            SELECT s.id, s.subscriber, d.last_delivered, u.last_read
            FROM publisher.subscriptions s
            LEFT JOIN LATERAL (SELECT max(delivered_at) AS last_delivered FROM publisher.deliveries WHERE subscription_id = s.id AND status = 'delivered') d ON true
            LEFT JOIN LATERAL (SELECT max(at) AS last_read FROM publisher.usage_events WHERE consumer = s.subscriber) u ON true
            WHERE s.active AND (d.last_delivered IS NULL OR d.last_delivered < $1 OR u.last_read IS NULL OR u.last_read < $1)
            ORDER BY s.id
            """);
        command.Parameters.Add(new() { Value = Since(days) });
        var rows = new List<StaleSubscriber>();
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(new StaleSubscriber(reader.GetInt64(0), reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                    reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3)));
            }
        }

        return rows;
    }

    private DateTimeOffset Since(int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(days);
        return _timeProvider.GetUtcNow().AddDays(-days);
    }
}
