namespace Lakehouse.Publisher;

/// <summary>
/// Named definitions of the datasets the Medallion package produces, for <c>lakehouse export --dataset</c>.
/// The tables themselves belong to Lakehouse.Medallion; these definitions follow its column names.
/// </summary>
public static class BuiltInDatasets
{
    /// <summary>Daily gold metrics per store, partitioned by <c>date_key</c>.</summary>
    public static DatasetDefinition GoldDailyMetrics { get; } = new()
    {
        Name = "gold_daily_metrics",
        Version = "1.0.0",
        Source = "scout.gold_daily_metrics",
        PartitionBy = "date_key",
        InputTables = ["scout.silver_transactions"],
        TransformVersion = "medallion-gold-1",
        Columns =
        [
            new("date_key", DatasetColumnType.Date, IsNullable: false),
            new("store_id", DatasetColumnType.Text, IsNullable: false),
            new("transaction_count", DatasetColumnType.Int4, IsNullable: false),
            DatasetColumn.Numeric("total_sales", 12, 2, isNullable: false),
            DatasetColumn.Numeric("avg_basket_value", 12, 2),
            new("unique_customers", DatasetColumnType.Int4),
        ],
    };

    /// <summary>Cleaned silver transactions, partitioned by <c>date_key</c>; the customer id is not exported (PII).</summary>
    public static DatasetDefinition SilverTransactions { get; } = new()
    {
        Name = "silver_transactions",
        Version = "1.0.0",
        Source = "SELECT transaction_id, store_id, device_id, ts, date_key, peso_value, payment_method, customer_type, " +
                 "campaign_id, handshake_score, time_of_day FROM scout.silver_transactions",
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
