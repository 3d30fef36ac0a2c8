using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace Lakehouse.Medallion;

/// <summary>Recomputes and reads the basket-cluster tables of platinum (<see cref="BasketClustering"/>'s rules).</summary>
internal static class BasketClusterWriter
{
    // One row per silver transaction with what clustering needs; line amounts summed per category in SQL (exact numeric).
    private const string InputSql = """
        SELECT t.tenant_id, t.store_id, t.transaction_id, t.customer_id, t.date_key, t.net_amount, t.units, t.ts, t.payment_method,
               t.campaign_id IS NOT NULL,
               coalesce(l.beverages, 0), coalesce(l.snacks, 0), coalesce(l.personal_care, 0), coalesce(l.household, 0),
               coalesce(l.tobacco, 0), coalesce(l.other, 0)
        FROM scout.silver_transactions t
        LEFT JOIN (
            SELECT store_id, transaction_id,
                   sum(line_amount) FILTER (WHERE category = 'beverages') AS beverages,
                   sum(line_amount) FILTER (WHERE category = 'snacks') AS snacks,
                   sum(line_amount) FILTER (WHERE category = 'personal_care') AS personal_care,
                   sum(line_amount) FILTER (WHERE category = 'household') AS household,
                   sum(line_amount) FILTER (WHERE category = 'tobacco') AS tobacco,
                   sum(line_amount) FILTER (WHERE category IS NULL
                       OR category NOT IN ('beverages', 'snacks', 'personal_care', 'household', 'tobacco')) AS other
            FROM scout.silver_line_items GROUP BY store_id, transaction_id) l USING (store_id, transaction_id)
        """;

    public static async Task RefreshAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, IEnumerable<CustomerRfm> rfm, BasketClusteringOptions options, CancellationToken cancellationToken)
    {
        await MedallionRunner.ExecuteAsync(connection, tx, """
            TRUNCATE scout.platinum_basket_clusters, scout.platinum_basket_cluster_profiles, scout.platinum_customer_segments
            """, cancellationToken).ConfigureAwait(false);
        if (!options.Enabled)
        {
            return;
        }

        var inputs = new List<BasketInput>();
        using (var command = new NpgsqlCommand(InputSql, connection, tx))
        {
            NpgsqlDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using ConfiguredAsyncDisposable readerScope = r.ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                inputs.Add(new BasketInput(
                    r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetFieldValue<DateOnly>(4),
                    r.GetDecimal(5), r.GetDecimal(6), BasketInput.LocalMinute(r.GetFieldValue<DateTimeOffset>(7)),
                    BasketInput.PaymentIndex(r.IsDBNull(8) ? null : r.GetString(8)), r.GetBoolean(9),
                    [r.GetDecimal(10), r.GetDecimal(11), r.GetDecimal(12), r.GetDecimal(13), r.GetDecimal(14), r.GetDecimal(15)]));
            }
        }

        BasketClusteringResult result = BasketClustering.RunInputs(inputs, rfm, options);

        await PlatinumWriter.CopyAsync(connection, "COPY scout.platinum_basket_clusters (store_id, transaction_id, tenant_id, cluster_id) FROM STDIN (FORMAT BINARY)",
            result.Assignments, static async (w, x, ct) =>
            {
                await w.WriteAsync(x.StoreId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await w.WriteAsync(x.TransactionId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await w.WriteAsync(x.TenantId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await w.WriteAsync(x.ClusterId, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);

        await PlatinumWriter.CopyAsync(connection, """
            COPY scout.platinum_basket_cluster_profiles (tenant_id, cluster_id, label, transactions, transaction_share, sales, sales_share,
                avg_peso_value, avg_items, beverages_share, snacks_share, personal_care_share, household_share, tobacco_share,
                other_category_share, dominant_categories, typical_hour, cash_share, gcash_share, maya_share, card_share,
                other_payment_share, campaign_share, as_of_date) FROM STDIN (FORMAT BINARY)
            """, result.Profiles, static async (w, x, ct) =>
        {
            await w.WriteAsync(x.TenantId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await w.WriteAsync(x.ClusterId, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
            await w.WriteAsync(x.Label, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await w.WriteAsync(x.Transactions, NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
            foreach (decimal value in (decimal[])[x.TransactionShare, x.Sales, x.SalesShare, x.AvgPesoValue, x.AvgItems, x.BeveragesShare, x.SnacksShare,
                x.PersonalCareShare, x.HouseholdShare, x.TobaccoShare, x.OtherCategoryShare])
            {
                await w.WriteAsync(value, NpgsqlDbType.Numeric, ct).ConfigureAwait(false);
            }

            await w.WriteAsync(x.DominantCategories, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            foreach (decimal value in (decimal[])[x.TypicalHour, x.CashShare, x.GcashShare, x.MayaShare, x.CardShare, x.OtherPaymentShare, x.CampaignShare])
            {
                await w.WriteAsync(value, NpgsqlDbType.Numeric, ct).ConfigureAwait(false);
            }

            await w.WriteAsync(x.AsOfDate, NpgsqlDbType.Date, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);

        await PlatinumWriter.CopyAsync(connection, """
            COPY scout.platinum_customer_segments (customer_id, tenant_id, rfm_segment, basket_cluster, basket_label, basket_share, segment, as_of_date)
            FROM STDIN (FORMAT BINARY)
            """, result.CustomerSegments, static async (w, x, ct) =>
        {
            await w.WriteAsync(x.CustomerId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await w.WriteAsync(x.TenantId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await w.WriteAsync(x.RfmSegment, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await w.WriteAsync(x.BasketCluster, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
            await w.WriteAsync(x.BasketLabel, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await w.WriteAsync(x.BasketShare, NpgsqlDbType.Numeric, ct).ConfigureAwait(false);
            await w.WriteAsync(x.Segment, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await w.WriteAsync(x.AsOfDate, NpgsqlDbType.Date, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the three tables back, in the snapshot's order.</summary>
    public static async Task<BasketClusteringResult> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var assignments = new List<BasketAssignment>();
        await MedallionReader.ForEachAsync(connection, "SELECT store_id, transaction_id, tenant_id, cluster_id FROM scout.platinum_basket_clusters", r =>
            assignments.Add(new BasketAssignment(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3))), cancellationToken).ConfigureAwait(false);
        var profiles = new List<BasketClusterProfile>();
        await MedallionReader.ForEachAsync(connection, """
            SELECT tenant_id, cluster_id, label, transactions, transaction_share, sales, sales_share, avg_peso_value, avg_items,
                   beverages_share, snacks_share, personal_care_share, household_share, tobacco_share, other_category_share,
                   dominant_categories, typical_hour, cash_share, gcash_share, maya_share, card_share, other_payment_share,
                   campaign_share, as_of_date
            FROM scout.platinum_basket_cluster_profiles
            """, r => profiles.Add(ReadProfile(r)), cancellationToken).ConfigureAwait(false);
        var segments = new List<CustomerSegment>();
        await MedallionReader.ForEachAsync(connection, """
            SELECT customer_id, tenant_id, rfm_segment, basket_cluster, basket_label, basket_share, segment, as_of_date
            FROM scout.platinum_customer_segments
            """, r => segments.Add(new CustomerSegment(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetString(4),
                r.GetDecimal(5), r.GetString(6), r.GetFieldValue<DateOnly>(7))), cancellationToken).ConfigureAwait(false);
        return new BasketClusteringResult(
            [.. assignments.OrderBy(a => a.StoreId, StringComparer.Ordinal).ThenBy(a => a.TransactionId, StringComparer.Ordinal)],
            [.. profiles.OrderBy(p => p.TenantId, StringComparer.Ordinal).ThenBy(p => p.ClusterId)],
            [.. segments.OrderBy(s => s.CustomerId, StringComparer.Ordinal)],
            []);
    }

    /// <summary>Reads the profiles only (the tool's <c>clusters</c> verb), ordered by tenant and cluster.</summary>
    public static async Task<IReadOnlyList<BasketClusterProfile>> ReadProfilesAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable scope = connection.ConfigureAwait(false);
        return (await ReadAsync(connection, cancellationToken).ConfigureAwait(false)).Profiles;
    }

    private static BasketClusterProfile ReadProfile(NpgsqlDataReader r) => new()
    {
        TenantId = r.GetString(0),
        ClusterId = r.GetInt32(1),
        Label = r.GetString(2),
        Transactions = r.GetInt64(3),
        TransactionShare = r.GetDecimal(4),
        Sales = r.GetDecimal(5),
        SalesShare = r.GetDecimal(6),
        AvgPesoValue = r.GetDecimal(7),
        AvgItems = r.GetDecimal(8),
        BeveragesShare = r.GetDecimal(9),
        SnacksShare = r.GetDecimal(10),
        PersonalCareShare = r.GetDecimal(11),
        HouseholdShare = r.GetDecimal(12),
        TobaccoShare = r.GetDecimal(13),
        OtherCategoryShare = r.GetDecimal(14),
        DominantCategories = r.GetString(15),
        TypicalHour = r.GetDecimal(16),
        CashShare = r.GetDecimal(17),
        GcashShare = r.GetDecimal(18),
        MayaShare = r.GetDecimal(19),
        CardShare = r.GetDecimal(20),
        OtherPaymentShare = r.GetDecimal(21),
        CampaignShare = r.GetDecimal(22),
        AsOfDate = r.GetFieldValue<DateOnly>(23),
    };
}
