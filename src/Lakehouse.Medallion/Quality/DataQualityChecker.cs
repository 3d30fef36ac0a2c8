using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Npgsql;

namespace Lakehouse.Medallion;

/// <summary>The outcome of one data-quality check.</summary>
/// <param name="Check">The check's name, e.g. <c>freshness_seconds</c>.</param>
/// <param name="Passed">Whether the value is within the threshold.</param>
/// <param name="Value">What was measured.</param>
/// <param name="Threshold">The limit it was held to.</param>
/// <param name="Detail">A readable explanation.</param>
public sealed record DataQualityResult(string Check, bool Passed, decimal Value, decimal Threshold, string Detail);

/// <summary>
/// Data-quality checks over the live layers, recorded in <c>scout.dq_results</c> and published as
/// <see cref="System.Diagnostics.Metrics"/> instruments on the meter <see cref="MeterName"/>:
/// freshness (lag from the oldest bronze row not yet in gold), orphans (silver rows whose dimension is missing) and
/// business rules (share of low-quality rows, quarantine share).
/// </summary>
public sealed class DataQualityChecker
{
    /// <summary>The meter the instruments are published on.</summary>
    public const string MeterName = "Lakehouse.Medallion";

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;
    private readonly Histogram<double> _freshness;
    private readonly Counter<long> _failures;

    /// <summary>Creates the checker.</summary>
    /// <param name="dataSource">The database with the <c>scout</c> schema.</param>
    /// <param name="meterFactory">Creates the meter; a private meter when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public DataQualityChecker(NpgsqlDataSource dataSource, IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _time = timeProvider ?? TimeProvider.System;
        Meter meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _freshness = meter.CreateHistogram<double>("lakehouse.medallion.freshness", "s", "Lag from the oldest bronze row not yet in gold.");
        _failures = meter.CreateCounter<long>("lakehouse.medallion.dq_failures", "{check}", "Data-quality checks that failed.");
    }

    /// <summary>Maximum acceptable freshness lag.</summary>
    /// <value>Default 10 minutes (the source design's end-to-end SLO).</value>
    public TimeSpan MaxFreshnessLag { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Largest acceptable share of silver rows with a quality score below 0.6.</summary>
    /// <value>Default 0.2.</value>
    public decimal MaxLowQualityShare { get; set; } = 0.2m;

    /// <summary>Runs every check, records the results and returns them.</summary>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <returns>One result per check.</returns>
    public async Task<IReadOnlyList<DataQualityResult>> RunAsync(CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = _time.GetUtcNow();
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable scope = connection.ConfigureAwait(false);
        using var command = new NpgsqlCommand("""
            SELECT
              (SELECT min(b.ingested_at) FROM scout.bronze_transactions b
               WHERE b.id > coalesce((SELECT last_bronze_id FROM scout.medallion_watermarks WHERE pipeline = 'default'), 0)),
              (SELECT count(*) FROM scout.silver_transactions s WHERE NOT EXISTS (SELECT 1 FROM scout.dim_store d WHERE d.store_id = s.store_id)),
              (SELECT count(*) FROM scout.silver_line_items l WHERE NOT EXISTS (SELECT 1 FROM scout.dim_product p WHERE p.product_id = l.product_id)),
              (SELECT count(*) FROM scout.silver_transactions),
              (SELECT count(*) FROM scout.silver_transactions WHERE quality_score < 0.6),
              (SELECT count(*) FROM scout.silver_quarantine)
            """, connection);
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        DateTimeOffset? oldestPending;
        long orphanStores, orphanProducts, silver, lowQuality, quarantined;
        await using (reader.ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            oldestPending = reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0);
            orphanStores = reader.GetInt64(1);
            orphanProducts = reader.GetInt64(2);
            silver = reader.GetInt64(3);
            lowQuality = reader.GetInt64(4);
            quarantined = reader.GetInt64(5);
        }

        double lag = oldestPending is null ? 0 : Math.Max(0, (now - oldestPending.Value).TotalSeconds);
        _freshness.Record(lag);
        decimal lowShare = silver == 0 ? 0 : (decimal)lowQuality / silver;
        decimal quarantineShare = silver + quarantined == 0 ? 0 : (decimal)quarantined / (silver + quarantined);
        var results = new List<DataQualityResult>
        {
            new("freshness_seconds", lag <= MaxFreshnessLag.TotalSeconds, (decimal)Math.Round(lag, 3), (decimal)MaxFreshnessLag.TotalSeconds,
                oldestPending is null ? "gold has caught up with bronze" : "oldest bronze row not yet in gold was received at " + oldestPending.Value.ToString("O", CultureInfo.InvariantCulture)),
            new("orphan_silver_stores", orphanStores == 0, orphanStores, 0, "silver transactions whose store is missing from dim_store"),
            new("orphan_line_products", orphanProducts == 0, orphanProducts, 0, "silver line items whose product is missing from dim_product"),
            new("low_quality_share", lowShare <= MaxLowQualityShare, Math.Round(lowShare, 4), MaxLowQualityShare, "share of silver rows with quality_score < 0.6"),
            new("quarantine_share", quarantineShare <= 0.05m, Math.Round(quarantineShare, 4), 0.05m, "share of bronze rows sent to quarantine"),
        };

        using var batch = new NpgsqlBatch(connection);
        foreach (DataQualityResult result in results)
        {
            var insert = new NpgsqlBatchCommand(
                "INSERT INTO scout.dq_results (checked_at, check_name, passed, value, threshold, detail) VALUES ($1, $2, $3, $4, $5, $6)");
            insert.Parameters.Add(new NpgsqlParameter { Value = now });
            insert.Parameters.Add(new NpgsqlParameter { Value = result.Check });
            insert.Parameters.Add(new NpgsqlParameter { Value = result.Passed });
            insert.Parameters.Add(new NpgsqlParameter { Value = result.Value });
            insert.Parameters.Add(new NpgsqlParameter { Value = result.Threshold });
            insert.Parameters.Add(new NpgsqlParameter { Value = result.Detail });
            batch.BatchCommands.Add(insert);
            if (!result.Passed)
            {
                _failures.Add(1, new KeyValuePair<string, object?>("check", result.Check));
            }
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return results;
    }
}
