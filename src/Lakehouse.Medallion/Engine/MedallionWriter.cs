using Npgsql;
using NpgsqlTypes;

namespace Lakehouse.Medallion;

/// <summary>Writes one batch's silver rows (binary COPY) and merges its gold partials and dimensions (staging + upsert).</summary>
internal static class MedallionWriter
{
    public static async Task WriteSilverAsync(NpgsqlConnection connection, List<SilverTransaction> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        NpgsqlBinaryImporter importer = await connection.BeginBinaryImportAsync("""
            COPY scout.silver_transactions (store_id, transaction_id, tenant_id, bronze_id, event_hash, device_id, ts, date_key,
                time_of_day, customer_id, customer_type, total_amount, discount_amount, net_amount, peso_value, payment_method,
                item_count, unique_products, units, campaign_id, handshake_score, region_psgc, province_psgc, citymun_psgc,
                geo_status, quality_score, quality_flags) FROM STDIN (FORMAT BINARY)
            """, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (SilverTransaction t in rows)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(t.StoreId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(t.TransactionId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(t.TenantId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(t.BronzeId, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(t.EventHash, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(importer, t.DeviceId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(t.Timestamp.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(t.DateKey, NpgsqlDbType.Date, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(t.TimeOfDay.ToSql(), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(importer, t.CustomerId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(importer, t.CustomerType, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(t.TotalAmount, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(t.DiscountAmount, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(t.NetAmount, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(t.PesoValue, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(importer, t.PaymentMethod, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(t.ItemCount, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(t.UniqueProducts, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(t.Units, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(importer, t.CampaignId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                if (t.HandshakeScore is { } score)
                {
                    await importer.WriteAsync(score, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await WriteNullableAsync(importer, t.RegionCode, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(importer, t.ProvinceCode, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(importer, t.CitymunCode, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(t.GeoStatus, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(t.QualityScore, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(t.QualityFlags.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        NpgsqlBinaryImporter lines = await connection.BeginBinaryImportAsync("""
            COPY scout.silver_line_items (store_id, transaction_id, line_no, tenant_id, date_key, product_id, brand, category,
                quantity, unit_price, line_amount, discount_amount) FROM STDIN (FORMAT BINARY)
            """, cancellationToken).ConfigureAwait(false);
        await using (lines.ConfigureAwait(false))
        {
            foreach (SilverTransaction t in rows)
            {
                foreach (SilverLineItem line in t.Lines)
                {
                    await lines.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await lines.WriteAsync(t.StoreId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await lines.WriteAsync(t.TransactionId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await lines.WriteAsync(line.LineNo, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                    await lines.WriteAsync(t.TenantId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await lines.WriteAsync(t.DateKey, NpgsqlDbType.Date, cancellationToken).ConfigureAwait(false);
                    await lines.WriteAsync(line.ProductId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await WriteNullableAsync(lines, line.Brand, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await WriteNullableAsync(lines, line.Category, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await lines.WriteAsync(line.Quantity, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                    await lines.WriteAsync(line.UnitPrice, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                    await lines.WriteAsync(line.LineAmount, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                    await lines.WriteAsync(line.DiscountAmount, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                }
            }

            await lines.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public static async Task WriteQuarantineAsync(NpgsqlConnection connection, List<QuarantinedEvent> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        NpgsqlBinaryImporter importer = await connection.BeginBinaryImportAsync(
            "COPY scout.silver_quarantine (bronze_id, store_id, transaction_id, reason, detail) FROM STDIN (FORMAT BINARY)",
            cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (QuarantinedEvent q in rows)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(q.BronzeId, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(importer, q.StoreId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(importer, q.TransactionId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(q.Reason, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(importer, q.Detail, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public static async Task MergeGoldAsync(NpgsqlConnection connection, NpgsqlTransaction tx, GoldAggregator gold, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (gold.Days.Count == 0)
        {
            return;
        }

        // Partials go through temporary staging tables, then merge additively: counts and sums add, customer
        // sets union; the customer counts and averages are then derived from the merged state.
        await MedallionRunner.ExecuteAsync(connection, tx, """
            CREATE TEMP TABLE IF NOT EXISTS stage_gold_daily (
                store_id text, date_key date, tenant_id text, transaction_count bigint, total_sales numeric, total_discount numeric,
                net_sales numeric, units_sold numeric, morning_sales numeric, afternoon_sales numeric, evening_sales numeric,
                night_sales numeric, campaign_transactions bigint, campaign_sales numeric) ON COMMIT DELETE ROWS;
            CREATE TEMP TABLE IF NOT EXISTS stage_gold_customers (
                store_id text, date_key date, customer_id text, tenant_id text, is_new boolean, is_returning boolean, is_vip boolean)
                ON COMMIT DELETE ROWS;
            CREATE TEMP TABLE IF NOT EXISTS stage_gold_geo (
                store_id text, date_key date, region_psgc text, province_psgc text, tenant_id text, transaction_count bigint, peso_total numeric)
                ON COMMIT DELETE ROWS;
            CREATE TEMP TABLE IF NOT EXISTS stage_gold_products (
                product_id text, store_id text, date_key date, tenant_id text, units numeric, revenue numeric) ON COMMIT DELETE ROWS;
            """, cancellationToken).ConfigureAwait(false);

        NpgsqlBinaryImporter days = await connection.BeginBinaryImportAsync("COPY stage_gold_daily FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        await using (days.ConfigureAwait(false))
        {
            foreach (((string store, DateOnly date), GoldAggregator.DayAccumulator d) in gold.Days)
            {
                await days.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await days.WriteAsync(store, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await days.WriteAsync(date, NpgsqlDbType.Date, cancellationToken).ConfigureAwait(false);
                await days.WriteAsync(d.TenantId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await days.WriteAsync(d.TransactionCount, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await days.WriteAsync(d.TotalSales, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                await days.WriteAsync(d.TotalDiscount, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                await days.WriteAsync(d.NetSales, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                await days.WriteAsync(d.UnitsSold, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                await days.WriteAsync(d.MorningSales, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                await days.WriteAsync(d.AfternoonSales, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                await days.WriteAsync(d.EveningSales, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                await days.WriteAsync(d.NightSales, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                await days.WriteAsync(d.CampaignTransactions, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await days.WriteAsync(d.CampaignSales, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
            }

            await days.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        NpgsqlBinaryImporter customers = await connection.BeginBinaryImportAsync("COPY stage_gold_customers FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        await using (customers.ConfigureAwait(false))
        {
            foreach (GoldStoreDayCustomer c in gold.StoreDayCustomers())
            {
                await customers.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await customers.WriteAsync(c.StoreId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await customers.WriteAsync(c.DateKey, NpgsqlDbType.Date, cancellationToken).ConfigureAwait(false);
                await customers.WriteAsync(c.CustomerId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await customers.WriteAsync(c.TenantId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await customers.WriteAsync(c.IsNew, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
                await customers.WriteAsync(c.IsReturning, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
                await customers.WriteAsync(c.IsVip, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
            }

            await customers.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        NpgsqlBinaryImporter geo = await connection.BeginBinaryImportAsync("COPY stage_gold_geo FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        await using (geo.ConfigureAwait(false))
        {
            foreach (GoldGeoStoreDaily g in gold.GeoStoreDaily())
            {
                await geo.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await geo.WriteAsync(g.StoreId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await geo.WriteAsync(g.DateKey, NpgsqlDbType.Date, cancellationToken).ConfigureAwait(false);
                await geo.WriteAsync(g.RegionCode, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await geo.WriteAsync(g.ProvinceCode, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await geo.WriteAsync(g.TenantId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await geo.WriteAsync(g.TransactionCount, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await geo.WriteAsync(g.PesoTotal, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
            }

            await geo.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        NpgsqlBinaryImporter products = await connection.BeginBinaryImportAsync("COPY stage_gold_products FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        await using (products.ConfigureAwait(false))
        {
            foreach (GoldProductStoreDaily p in gold.ProductStoreDaily())
            {
                await products.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await products.WriteAsync(p.ProductId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await products.WriteAsync(p.StoreId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await products.WriteAsync(p.DateKey, NpgsqlDbType.Date, cancellationToken).ConfigureAwait(false);
                await products.WriteAsync(p.TenantId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await products.WriteAsync(p.Units, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                await products.WriteAsync(p.Revenue, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
            }

            await products.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        using var merge = new NpgsqlBatch(connection, tx);
        merge.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO scout.gold_store_day_customers AS g (store_id, date_key, customer_id, tenant_id, is_new, is_returning, is_vip)
            SELECT store_id, date_key, customer_id, tenant_id, is_new, is_returning, is_vip FROM stage_gold_customers
            ON CONFLICT (store_id, date_key, customer_id) DO UPDATE
            SET is_new = g.is_new OR excluded.is_new, is_returning = g.is_returning OR excluded.is_returning, is_vip = g.is_vip OR excluded.is_vip
            """));
        merge.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO scout.gold_daily_metrics AS g (store_id, date_key, tenant_id, transaction_count, total_sales, total_discount,
            net_sales, unique_customers, new_customers, returning_customers, vip_customers, units_sold, avg_basket_size,
            avg_transaction_value, morning_sales, afternoon_sales, evening_sales, night_sales, campaign_transactions, campaign_sales, updated_at)
            SELECT store_id, date_key, tenant_id, transaction_count, total_sales, total_discount, net_sales, 0, 0, 0, 0, units_sold, 0, 0,
            morning_sales, afternoon_sales, evening_sales, night_sales, campaign_transactions, campaign_sales, $1
            FROM stage_gold_daily
            ON CONFLICT (store_id, date_key) DO UPDATE SET
            transaction_count = g.transaction_count + excluded.transaction_count,
            total_sales = g.total_sales + excluded.total_sales,
            total_discount = g.total_discount + excluded.total_discount,
            net_sales = g.net_sales + excluded.net_sales,
            units_sold = g.units_sold + excluded.units_sold,
            morning_sales = g.morning_sales + excluded.morning_sales,
            afternoon_sales = g.afternoon_sales + excluded.afternoon_sales,
            evening_sales = g.evening_sales + excluded.evening_sales,
            night_sales = g.night_sales + excluded.night_sales,
            campaign_transactions = g.campaign_transactions + excluded.campaign_transactions,
            campaign_sales = g.campaign_sales + excluded.campaign_sales,
            updated_at = excluded.updated_at
            """));
        merge.BatchCommands.Add(new NpgsqlBatchCommand("""
            UPDATE scout.gold_daily_metrics g SET
            unique_customers = coalesce(c.unique_customers, 0),
            new_customers = coalesce(c.new_customers, 0),
            returning_customers = coalesce(c.returning_customers, 0),
            vip_customers = coalesce(c.vip_customers, 0),
            avg_basket_size = round(g.units_sold / g.transaction_count, 4),
            avg_transaction_value = round(g.net_sales / g.transaction_count, 4)
            FROM stage_gold_daily s
            LEFT JOIN (
            SELECT c.store_id, c.date_key, count(*) AS unique_customers, count(*) FILTER (WHERE c.is_new) AS new_customers,
            count(*) FILTER (WHERE c.is_returning) AS returning_customers, count(*) FILTER (WHERE c.is_vip) AS vip_customers
            FROM scout.gold_store_day_customers c
            JOIN stage_gold_daily d ON d.store_id = c.store_id AND d.date_key = c.date_key
            GROUP BY c.store_id, c.date_key) c ON c.store_id = s.store_id AND c.date_key = s.date_key
            WHERE g.store_id = s.store_id AND g.date_key = s.date_key
            """));
        merge.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO scout.gold_geo_store_daily AS g (store_id, date_key, region_psgc, province_psgc, tenant_id, transaction_count, peso_total)
            SELECT store_id, date_key, region_psgc, province_psgc, tenant_id, transaction_count, peso_total FROM stage_gold_geo
            ON CONFLICT (store_id, date_key, region_psgc, province_psgc) DO UPDATE
            SET transaction_count = g.transaction_count + excluded.transaction_count, peso_total = g.peso_total + excluded.peso_total
            """));
        merge.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO scout.gold_product_store_daily AS g (product_id, store_id, date_key, tenant_id, units, revenue)
            SELECT product_id, store_id, date_key, tenant_id, units, revenue FROM stage_gold_products
            ON CONFLICT (product_id, store_id, date_key) DO UPDATE
            SET units = g.units + excluded.units, revenue = g.revenue + excluded.revenue
            """));
        merge.BatchCommands[1].Parameters.Add(new NpgsqlParameter { Value = now });
        await merge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task MergeDimensionsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, List<SilverTransaction> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        // Unknown stores, products, customers and campaigns are added, never dropped; for stores the first
        // resolved place (in bronze order) sticks.
        var stores = rows.GroupBy(r => r.StoreId, StringComparer.Ordinal).Select(g => g.First()).ToList();
        var storePlace = rows.Where(r => r.RegionCode is not null).GroupBy(r => r.StoreId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var products = rows.SelectMany(r => r.Lines.Select(l => (r.TenantId, Line: l)))
            .GroupBy(x => x.Line.ProductId, StringComparer.Ordinal).Select(g => g.First()).ToList();
        var customers = rows.Where(r => r.CustomerId is not null).GroupBy(r => r.CustomerId!, StringComparer.Ordinal)
            .Select(g => (Id: g.Key, g.First().TenantId, Type: g.LastOrDefault(r => r.CustomerType is not null)?.CustomerType,
                First: g.Min(r => r.DateKey), Last: g.Max(r => r.DateKey))).ToList();
        var campaigns = rows.Where(r => r.CampaignId is not null).GroupBy(r => r.CampaignId!, StringComparer.Ordinal)
            .Select(g => (Id: g.Key, g.First().TenantId)).ToList();

        using var batch = new NpgsqlBatch(connection, tx);
        var store = new NpgsqlBatchCommand("""
            INSERT INTO scout.dim_store AS d (store_id, tenant_id, region_psgc, province_psgc, citymun_psgc, geo_status, first_seen_date)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[])
            ON CONFLICT (store_id) DO UPDATE SET
                region_psgc = coalesce(d.region_psgc, excluded.region_psgc),
                province_psgc = CASE WHEN d.region_psgc IS NULL THEN excluded.province_psgc ELSE d.province_psgc END,
                citymun_psgc = CASE WHEN d.region_psgc IS NULL THEN excluded.citymun_psgc ELSE d.citymun_psgc END,
                geo_status = CASE WHEN d.region_psgc IS NULL THEN excluded.geo_status ELSE d.geo_status END,
                first_seen_date = least(d.first_seen_date, excluded.first_seen_date),
                updated_at = now()
            """);
        store.Parameters.Add(new NpgsqlParameter { Value = stores.Select(s => s.StoreId).ToArray() });
        store.Parameters.Add(new NpgsqlParameter { Value = stores.Select(s => s.TenantId).ToArray() });
        store.Parameters.Add(new NpgsqlParameter { Value = stores.Select(s => storePlace.GetValueOrDefault(s.StoreId)?.RegionCode).ToArray() });
        store.Parameters.Add(new NpgsqlParameter { Value = stores.Select(s => storePlace.GetValueOrDefault(s.StoreId)?.ProvinceCode).ToArray() });
        store.Parameters.Add(new NpgsqlParameter { Value = stores.Select(s => storePlace.GetValueOrDefault(s.StoreId)?.CitymunCode).ToArray() });
        store.Parameters.Add(new NpgsqlParameter { Value = stores.Select(s => storePlace.GetValueOrDefault(s.StoreId)?.GeoStatus).ToArray() });
        store.Parameters.Add(new NpgsqlParameter { Value = stores.Select(s => rows.Where(r => r.StoreId == s.StoreId).Min(r => r.DateKey)).ToArray() });
        batch.BatchCommands.Add(store);

        var product = new NpgsqlBatchCommand("""
            INSERT INTO scout.dim_product AS d (product_id, tenant_id, brand, category)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
            ON CONFLICT (product_id) DO UPDATE SET brand = coalesce(d.brand, excluded.brand), category = coalesce(d.category, excluded.category)
            """);
        product.Parameters.Add(new NpgsqlParameter { Value = products.Select(p => p.Line.ProductId).ToArray() });
        product.Parameters.Add(new NpgsqlParameter { Value = products.Select(p => p.TenantId).ToArray() });
        product.Parameters.Add(new NpgsqlParameter { Value = products.Select(p => p.Line.Brand).ToArray() });
        product.Parameters.Add(new NpgsqlParameter { Value = products.Select(p => p.Line.Category is "beverages" or "snacks" or "personal_care" or "household" or "tobacco" or "other" ? p.Line.Category : null).ToArray() });
        batch.BatchCommands.Add(product);

        var customer = new NpgsqlBatchCommand("""
            INSERT INTO scout.dim_customer AS d (customer_id, tenant_id, customer_type, first_purchase_date, last_purchase_date)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::date[])
            ON CONFLICT (customer_id) DO UPDATE SET
                customer_type = coalesce(excluded.customer_type, d.customer_type),
                first_purchase_date = least(d.first_purchase_date, excluded.first_purchase_date),
                last_purchase_date = greatest(d.last_purchase_date, excluded.last_purchase_date),
                updated_at = now()
            """);
        customer.Parameters.Add(new NpgsqlParameter { Value = customers.Select(c => c.Id).ToArray() });
        customer.Parameters.Add(new NpgsqlParameter { Value = customers.Select(c => c.TenantId).ToArray() });
        customer.Parameters.Add(new NpgsqlParameter { Value = customers.Select(c => c.Type is "new" or "returning" or "vip" or "churned" ? c.Type : null).ToArray() });
        customer.Parameters.Add(new NpgsqlParameter { Value = customers.Select(c => c.First).ToArray() });
        customer.Parameters.Add(new NpgsqlParameter { Value = customers.Select(c => c.Last).ToArray() });
        batch.BatchCommands.Add(customer);

        var campaign = new NpgsqlBatchCommand("""
            INSERT INTO scout.dim_campaign (campaign_id, tenant_id) SELECT * FROM unnest($1::text[], $2::text[])
            ON CONFLICT (campaign_id) DO NOTHING
            """);
        campaign.Parameters.Add(new NpgsqlParameter { Value = campaigns.Select(c => c.Id).ToArray() });
        campaign.Parameters.Add(new NpgsqlParameter { Value = campaigns.Select(c => c.TenantId).ToArray() });
        batch.BatchCommands.Add(campaign);

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, type, cancellationToken);
}
