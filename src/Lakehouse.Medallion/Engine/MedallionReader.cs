using System.Runtime.CompilerServices;
using Npgsql;

namespace Lakehouse.Medallion;

/// <summary>Reads the layers back from PostgreSQL into the engine-neutral <see cref="MedallionSnapshot"/>.</summary>
internal static class MedallionReader
{
    public static async Task<MedallionSnapshot> ReadAsync(NpgsqlDataSource dataSource, decimal anomalyThreshold, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable scope = connection.ConfigureAwait(false);

        var lines = new Dictionary<(string, string), List<SilverLineItem>>();
        await ForEachAsync(connection, """
            SELECT store_id, transaction_id, line_no, product_id, brand, category, quantity, unit_price, line_amount, discount_amount
            FROM scout.silver_line_items ORDER BY store_id, transaction_id, line_no
            """, r =>
        {
            var key = (r.GetString(0), r.GetString(1));
            if (!lines.TryGetValue(key, out List<SilverLineItem>? list))
            {
                lines[key] = list = [];
            }

            list.Add(new SilverLineItem(r.GetInt32(2), r.GetString(3), NullableString(r, 4), NullableString(r, 5),
                r.GetDecimal(6), r.GetDecimal(7), r.GetDecimal(8), r.GetDecimal(9)));
        }, cancellationToken).ConfigureAwait(false);

        var silver = new List<SilverTransaction>();
        await ForEachAsync(connection, """
            SELECT store_id, transaction_id, tenant_id, bronze_id, event_hash, device_id, ts, date_key, time_of_day, customer_id,
                   customer_type, total_amount, discount_amount, net_amount, peso_value, payment_method, item_count, unique_products,
                   units, campaign_id, handshake_score, region_psgc, province_psgc, citymun_psgc, geo_status, quality_score, quality_flags
            FROM scout.silver_transactions
            """, r => silver.Add(new SilverTransaction
        {
            StoreId = r.GetString(0),
            TransactionId = r.GetString(1),
            TenantId = r.GetString(2),
            BronzeId = r.GetInt64(3),
            EventHash = r.GetFieldValue<byte[]>(4),
            DeviceId = NullableString(r, 5),
            Timestamp = r.GetFieldValue<DateTimeOffset>(6),
            DateKey = r.GetFieldValue<DateOnly>(7),
            TimeOfDay = r.GetString(8) switch
            {
                "morning" => TimeOfDay.Morning,
                "afternoon" => TimeOfDay.Afternoon,
                "evening" => TimeOfDay.Evening,
                _ => TimeOfDay.Night,
            },
            CustomerId = NullableString(r, 9),
            CustomerType = NullableString(r, 10),
            TotalAmount = r.GetDecimal(11),
            DiscountAmount = r.GetDecimal(12),
            NetAmount = r.GetDecimal(13),
            PesoValue = r.GetDecimal(14),
            PaymentMethod = NullableString(r, 15),
            ItemCount = r.GetInt32(16),
            UniqueProducts = r.GetInt32(17),
            Units = r.GetDecimal(18),
            CampaignId = NullableString(r, 19),
            HandshakeScore = r.IsDBNull(20) ? null : r.GetDecimal(20),
            RegionCode = NullableString(r, 21),
            ProvinceCode = NullableString(r, 22),
            CitymunCode = NullableString(r, 23),
            GeoStatus = r.GetString(24),
            QualityScore = r.GetDecimal(25),
            QualityFlags = r.GetFieldValue<string[]>(26),
            Lines = lines.TryGetValue((r.GetString(0), r.GetString(1)), out List<SilverLineItem>? l) ? l : [],
        }), cancellationToken).ConfigureAwait(false);

        var quarantine = new List<QuarantinedEvent>();
        await ForEachAsync(connection, "SELECT bronze_id, store_id, transaction_id, reason, detail FROM scout.silver_quarantine", r =>
            quarantine.Add(new QuarantinedEvent(r.GetInt64(0), NullableString(r, 1), NullableString(r, 2), r.GetString(3), NullableString(r, 4))),
            cancellationToken).ConfigureAwait(false);

        var daily = new List<GoldDailyMetrics>();
        await ForEachAsync(connection, """
            SELECT store_id, date_key, tenant_id, transaction_count, total_sales, total_discount, net_sales, unique_customers,
                   new_customers, returning_customers, vip_customers, units_sold, avg_basket_size, avg_transaction_value,
                   morning_sales, afternoon_sales, evening_sales, night_sales, campaign_transactions, campaign_sales
            FROM scout.gold_daily_metrics
            """, r => daily.Add(new GoldDailyMetrics
        {
            StoreId = r.GetString(0),
            DateKey = r.GetFieldValue<DateOnly>(1),
            TenantId = r.GetString(2),
            TransactionCount = r.GetInt64(3),
            TotalSales = r.GetDecimal(4),
            TotalDiscount = r.GetDecimal(5),
            NetSales = r.GetDecimal(6),
            UniqueCustomers = r.GetInt64(7),
            NewCustomers = r.GetInt64(8),
            ReturningCustomers = r.GetInt64(9),
            VipCustomers = r.GetInt64(10),
            UnitsSold = r.GetDecimal(11),
            AvgBasketSize = r.GetDecimal(12),
            AvgTransactionValue = r.GetDecimal(13),
            MorningSales = r.GetDecimal(14),
            AfternoonSales = r.GetDecimal(15),
            EveningSales = r.GetDecimal(16),
            NightSales = r.GetDecimal(17),
            CampaignTransactions = r.GetInt64(18),
            CampaignSales = r.GetDecimal(19),
        }), cancellationToken).ConfigureAwait(false);

        var customers = new List<GoldStoreDayCustomer>();
        await ForEachAsync(connection, "SELECT store_id, date_key, customer_id, tenant_id, is_new, is_returning, is_vip FROM scout.gold_store_day_customers", r =>
            customers.Add(new GoldStoreDayCustomer(r.GetString(0), r.GetFieldValue<DateOnly>(1), r.GetString(2), r.GetString(3),
                r.GetBoolean(4), r.GetBoolean(5), r.GetBoolean(6))), cancellationToken).ConfigureAwait(false);

        var geo = new List<GoldGeoStoreDaily>();
        await ForEachAsync(connection, "SELECT store_id, date_key, region_psgc, province_psgc, tenant_id, transaction_count, peso_total FROM scout.gold_geo_store_daily", r =>
            geo.Add(new GoldGeoStoreDaily(r.GetString(0), r.GetFieldValue<DateOnly>(1), r.GetString(2), r.GetString(3), r.GetString(4),
                r.GetInt64(5), r.GetDecimal(6))), cancellationToken).ConfigureAwait(false);

        var products = new List<GoldProductStoreDaily>();
        await ForEachAsync(connection, "SELECT product_id, store_id, date_key, tenant_id, units, revenue FROM scout.gold_product_store_daily", r =>
            products.Add(new GoldProductStoreDaily(r.GetString(0), r.GetString(1), r.GetFieldValue<DateOnly>(2), r.GetString(3),
                r.GetDecimal(4), r.GetDecimal(5))), cancellationToken).ConfigureAwait(false);

        var storeRegion = new Dictionary<string, string?>(StringComparer.Ordinal);
        await ForEachAsync(connection, "SELECT store_id, region_psgc FROM scout.dim_store", r =>
            storeRegion[r.GetString(0)] = NullableString(r, 1), cancellationToken).ConfigureAwait(false);

        var rfm = new List<CustomerRfm>();
        await ForEachAsync(connection, """
            SELECT customer_id, tenant_id, as_of_date, recency_days, frequency, monetary, r_score, f_score, m_score, segment
            FROM scout.platinum_customer_rfm
            """, r => rfm.Add(new CustomerRfm(r.GetString(0), r.GetString(1), r.GetFieldValue<DateOnly>(2), r.GetInt32(3), r.GetInt64(4),
                r.GetDecimal(5), r.GetInt32(6), r.GetInt32(7), r.GetInt32(8), r.GetString(9))), cancellationToken).ConfigureAwait(false);
        var velocity = new List<ProductVelocity>();
        await ForEachAsync(connection, "SELECT product_id, scope, scope_id, tenant_id, as_of_date, units_7d, units_30d FROM scout.platinum_product_velocity", r =>
            velocity.Add(new ProductVelocity(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetFieldValue<DateOnly>(4),
                r.GetDecimal(5), r.GetDecimal(6))), cancellationToken).ConfigureAwait(false);
        var anomalies = new List<StoreAnomaly>();
        await ForEachAsync(connection, "SELECT store_id, date_key, tenant_id, net_sales, median, mad, robust_z, is_anomaly FROM scout.platinum_store_anomalies", r =>
            anomalies.Add(new StoreAnomaly(r.GetString(0), r.GetFieldValue<DateOnly>(1), r.GetString(2), r.GetDecimal(3),
                r.IsDBNull(4) ? null : r.GetDecimal(4), r.IsDBNull(5) ? null : r.GetDecimal(5), r.IsDBNull(6) ? null : r.GetDecimal(6),
                r.GetBoolean(7))), cancellationToken).ConfigureAwait(false);

        BasketClusteringResult clusters = await BasketClusterWriter.ReadAsync(connection, cancellationToken).ConfigureAwait(false);
        return MedallionSnapshot.Create(silver, quarantine, daily, customers, geo, products, storeRegion, anomalyThreshold, (rfm, velocity, anomalies),
            clusters: clusters);
    }

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>Runs <paramref name="sql"/> and hands each row to <paramref name="row"/>.</summary>
    internal static async Task ForEachAsync(NpgsqlConnection connection, string sql, Action<NpgsqlDataReader> row, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection);
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable scope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            row(reader);
        }
    }
}
