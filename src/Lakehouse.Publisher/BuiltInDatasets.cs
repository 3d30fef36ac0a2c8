namespace Lakehouse.Publisher;

/// <summary>
/// Named definitions of the datasets the Medallion package produces, for <c>lakehouse export --dataset</c>.
/// The tables themselves belong to Lakehouse.Medallion; these definitions follow its column names.
/// </summary>
public static class BuiltInDatasets
{
    /// <summary>
    /// Daily gold metrics per store, partitioned by <c>date_key</c>. Money is exported as <c>decimal(14,2)</c> and units
    /// as <c>decimal(14,3)</c> (the gold table keeps exact unconstrained numerics; Parquet needs a precision).
    /// </summary>
    public static DatasetDefinition GoldDailyMetrics { get; } = new()
    {
        Name = "gold_daily_metrics",
        Version = "1.0.0",
        Source = "SELECT date_key, store_id, tenant_id, transaction_count, total_sales::numeric(14,2) AS total_sales, " +
                 "net_sales::numeric(14,2) AS net_sales, unique_customers, units_sold::numeric(14,3) AS units_sold, " +
                 "avg_transaction_value::numeric(14,2) AS avg_transaction_value, campaign_transactions " +
                 "FROM scout.gold_daily_metrics",
        IsQuery = true,
        PartitionBy = "date_key",
        InputTables = ["scout.gold_daily_metrics", "scout.silver_transactions"],
        TransformVersion = "medallion-gold-1",
        Columns =
        [
            new("date_key", DatasetColumnType.Date, IsNullable: false),
            new("store_id", DatasetColumnType.Text, IsNullable: false),
            new("tenant_id", DatasetColumnType.Text, IsNullable: false),
            new("transaction_count", DatasetColumnType.Int8, IsNullable: false),
            DatasetColumn.Numeric("total_sales", 14, 2, isNullable: false),
            DatasetColumn.Numeric("net_sales", 14, 2, isNullable: false),
            new("unique_customers", DatasetColumnType.Int8, IsNullable: false),
            DatasetColumn.Numeric("units_sold", 14, 3, isNullable: false),
            DatasetColumn.Numeric("avg_transaction_value", 14, 2, isNullable: false),
            new("campaign_transactions", DatasetColumnType.Int8, IsNullable: false),
        ],
    };

    /// <summary>Cleaned silver transactions, partitioned by <c>date_key</c>; the customer id is not exported (PII).</summary>
    public static DatasetDefinition SilverTransactions { get; } = new()
    {
        Name = "silver_transactions",
        Version = "1.0.0",
        Source = "SELECT transaction_id, store_id, device_id, ts, date_key, peso_value::numeric(12,2) AS peso_value, payment_method, " +
                 "customer_type, campaign_id, handshake_score::float8 AS handshake_score, time_of_day FROM scout.silver_transactions",
        IsQuery = true,
        PartitionBy = "date_key",
        InputTables = ["scout.bronze_transactions"],
        TransformVersion = "medallion-silver-1",
        Columns =
        [
            new("transaction_id", DatasetColumnType.Text, IsNullable: false),
            new("store_id", DatasetColumnType.Text, IsNullable: false),
            new("device_id", DatasetColumnType.Text),
            new("ts", DatasetColumnType.TimestampUtc, IsNullable: false),
            new("date_key", DatasetColumnType.Date, IsNullable: false),
            DatasetColumn.Numeric("peso_value", 12, 2, isNullable: false),
            new("payment_method", DatasetColumnType.Text),
            new("customer_type", DatasetColumnType.Text),
            new("campaign_id", DatasetColumnType.Text),
            new("handshake_score", DatasetColumnType.Float8),
            new("time_of_day", DatasetColumnType.Text),
        ],
    };

    /// <summary>Every built-in definition by name.</summary>
    /// <param name="name">The dataset name.</param>
    /// <returns>The definition, or null when there is none of that name.</returns>
    public static DatasetDefinition? Find(string name) => name switch
    {
        "gold_daily_metrics" => GoldDailyMetrics,
        "silver_transactions" => SilverTransactions,
        _ => null,
    };
}
