using Npgsql;
using NpgsqlTypes;

namespace Lakehouse.Medallion;

/// <summary>Recomputes the platinum tables from gold and silver aggregates, with <see cref="PlatinumCalculator"/>'s rules.</summary>
internal static class PlatinumWriter
{
    public static async Task RefreshAsync(
        NpgsqlConnection connection, decimal anomalyThreshold, BasketClusteringOptions clustering, CancellationToken cancellationToken)
    {
        NpgsqlTransaction tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (tx.ConfigureAwait(false))
        {
            DateOnly asOf = await MedallionRunner.ScalarAsync<DateOnly?>(connection, tx, "SELECT max(date_key) FROM scout.silver_transactions", cancellationToken)
                .ConfigureAwait(false) ?? DateOnly.MinValue;

            var totals = new List<PlatinumCalculator.CustomerTotals>();
            await ReadAsync(connection, tx, """
                SELECT customer_id, min(tenant_id), max(date_key), count(*), sum(net_amount)
                FROM scout.silver_transactions WHERE customer_id IS NOT NULL GROUP BY customer_id
                """, r => totals.Add(new(r.GetString(0), r.GetString(1), r.GetFieldValue<DateOnly>(2), r.GetInt64(3), r.GetDecimal(4))),
                cancellationToken).ConfigureAwait(false);
            List<CustomerRfm> rfm = PlatinumCalculator.Rfm(totals, asOf);

            var products = new List<GoldProductStoreDaily>();
            await ReadAsync(connection, tx, """
                SELECT product_id, store_id, date_key, tenant_id, units, revenue FROM scout.gold_product_store_daily
                WHERE date_key > (SELECT max(date_key) - 30 FROM scout.gold_product_store_daily)
                """, r => products.Add(new(r.GetString(0), r.GetString(1), r.GetFieldValue<DateOnly>(2), r.GetString(3), r.GetDecimal(4), r.GetDecimal(5))),
                cancellationToken).ConfigureAwait(false);
            var storeRegion = new Dictionary<string, string?>(StringComparer.Ordinal);
            await ReadAsync(connection, tx, "SELECT store_id, region_psgc FROM scout.dim_store",
                r => storeRegion[r.GetString(0)] = r.IsDBNull(1) ? null : r.GetString(1), cancellationToken).ConfigureAwait(false);
            List<ProductVelocity> velocity = PlatinumCalculator.Velocity(products, storeRegion);

            var daily = new List<GoldDailyMetrics>();
            await ReadAsync(connection, tx, "SELECT store_id, date_key, tenant_id, net_sales FROM scout.gold_daily_metrics",
                r => daily.Add(new GoldDailyMetrics { StoreId = r.GetString(0), DateKey = r.GetFieldValue<DateOnly>(1), TenantId = r.GetString(2), NetSales = r.GetDecimal(3) }),
                cancellationToken).ConfigureAwait(false);
            List<StoreAnomaly> anomalies = PlatinumCalculator.Anomalies(daily, anomalyThreshold);

            await MedallionRunner.ExecuteAsync(connection, tx, """
                TRUNCATE scout.platinum_customer_rfm, scout.platinum_product_velocity, scout.platinum_store_anomalies, scout.platinum_features
                """, cancellationToken).ConfigureAwait(false);

            await CopyAsync(connection, """
                COPY scout.platinum_customer_rfm (customer_id, tenant_id, as_of_date, recency_days, frequency, monetary, r_score, f_score, m_score, segment)
                FROM STDIN (FORMAT BINARY)
                """, rfm, static async (w, x, ct) =>
            {
                await w.WriteAsync(x.CustomerId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await w.WriteAsync(x.TenantId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await w.WriteAsync(x.AsOfDate, NpgsqlDbType.Date, ct).ConfigureAwait(false);
                await w.WriteAsync(x.RecencyDays, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
                await w.WriteAsync(x.Frequency, NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
                await w.WriteAsync(x.Monetary, NpgsqlDbType.Numeric, ct).ConfigureAwait(false);
                await w.WriteAsync(x.RScore, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
                await w.WriteAsync(x.FScore, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
                await w.WriteAsync(x.MScore, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
                await w.WriteAsync(x.Segment, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);

            await CopyAsync(connection, """
                COPY scout.platinum_product_velocity (product_id, scope, scope_id, tenant_id, as_of_date, units_7d, units_30d) FROM STDIN (FORMAT BINARY)
                """, velocity, static async (w, x, ct) =>
            {
                await w.WriteAsync(x.ProductId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await w.WriteAsync(x.Scope, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await w.WriteAsync(x.ScopeId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await w.WriteAsync(x.TenantId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await w.WriteAsync(x.AsOfDate, NpgsqlDbType.Date, ct).ConfigureAwait(false);
                await w.WriteAsync(x.Units7d, NpgsqlDbType.Numeric, ct).ConfigureAwait(false);
                await w.WriteAsync(x.Units30d, NpgsqlDbType.Numeric, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);

            await CopyAsync(connection, """
                COPY scout.platinum_store_anomalies (store_id, date_key, tenant_id, net_sales, median, mad, robust_z, is_anomaly) FROM STDIN (FORMAT BINARY)
                """, anomalies, static async (w, x, ct) =>
            {
                await w.WriteAsync(x.StoreId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await w.WriteAsync(x.DateKey, NpgsqlDbType.Date, ct).ConfigureAwait(false);
                await w.WriteAsync(x.TenantId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await w.WriteAsync(x.NetSales, NpgsqlDbType.Numeric, ct).ConfigureAwait(false);
                await WriteNullableAsync(w, x.Median, ct).ConfigureAwait(false);
                await WriteNullableAsync(w, x.Mad, ct).ConfigureAwait(false);
                await WriteNullableAsync(w, x.RobustZ, ct).ConfigureAwait(false);
                await w.WriteAsync(x.IsAnomaly, NpgsqlDbType.Boolean, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);

            // The long, ML-friendly shape: one row per entity and feature.
            await MedallionRunner.ExecuteAsync(connection, tx, """
                INSERT INTO scout.platinum_features (entity_type, entity_id, feature, tenant_id, value, label, as_of_date)
                SELECT 'customer', customer_id, f.feature, tenant_id, f.value, f.label, as_of_date
                FROM scout.platinum_customer_rfm,
                     LATERAL (VALUES ('recency_days', recency_days::numeric, NULL), ('frequency', frequency::numeric, NULL),
                                     ('monetary', monetary, NULL), ('rfm_segment', NULL, segment)) AS f(feature, value, label)
                UNION ALL
                SELECT 'product', product_id || '@' || scope || ':' || scope_id, f.feature, tenant_id, f.value, NULL, as_of_date
                FROM scout.platinum_product_velocity,
                     LATERAL (VALUES ('units_7d', units_7d), ('units_30d', units_30d)) AS f(feature, value)
                UNION ALL
                SELECT 'store', store_id, 'anomaly_days_30', min(tenant_id), count(*) FILTER (WHERE is_anomaly), NULL, max(date_key)
                FROM scout.platinum_store_anomalies
                WHERE date_key > (SELECT max(date_key) - 30 FROM scout.platinum_store_anomalies)
                GROUP BY store_id
                """, cancellationToken).ConfigureAwait(false);

            await BasketClusterWriter.RefreshAsync(connection, tx, rfm, clustering, cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter writer, decimal? value, CancellationToken cancellationToken) =>
        value is { } v ? writer.WriteAsync(v, NpgsqlDbType.Numeric, cancellationToken) : writer.WriteNullAsync(cancellationToken);

    /// <summary>Binary COPY of <paramref name="rows"/>, each written by <paramref name="write"/> (shared with the basket writer).</summary>
    internal static async Task CopyAsync<T>(
        NpgsqlConnection connection, string copy, IEnumerable<T> rows, Func<NpgsqlBinaryImporter, T, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        NpgsqlBinaryImporter importer = await connection.BeginBinaryImportAsync(copy, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (T row in rows)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await write(importer, row, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ReadAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, Action<NpgsqlDataReader> row, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection, tx);
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                row(reader);
            }
        }
    }
}
