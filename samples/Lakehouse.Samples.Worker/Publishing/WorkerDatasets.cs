using Lakehouse.Publisher;

namespace Lakehouse.Samples.Worker;

/// <summary>
/// The datasets the worker knows by name: its own definition of <c>gold_daily_metrics</c> (a query over Medallion's
/// gold table with money at a declared precision, partitioned by day), then Lakehouse.Publisher's built-in ones.
/// </summary>
public static class WorkerDatasets
{
    /// <summary>Daily gold metrics per store, as published by the worker.</summary>
    public static DatasetDefinition GoldDailyMetrics { get; } = new()
    {
        Name = "gold_daily_metrics",
        Version = "1.0.0",
        IsQuery = true,
        Source = """
            SELECT date_key, store_id, tenant_id, transaction_count,
                   total_sales::numeric(20,4) AS total_sales, total_discount::numeric(20,4) AS total_discount,
                   net_sales::numeric(20,4) AS net_sales, unique_customers, new_customers, returning_customers, vip_customers,
                   units_sold::numeric(20,4) AS units_sold, avg_basket_size::numeric(20,4) AS avg_basket_size,
                   avg_transaction_value::numeric(20,4) AS avg_transaction_value,
                   morning_sales::numeric(20,4) AS morning_sales, afternoon_sales::numeric(20,4) AS afternoon_sales,
                   evening_sales::numeric(20,4) AS evening_sales, night_sales::numeric(20,4) AS night_sales,
                   campaign_transactions, campaign_sales::numeric(20,4) AS campaign_sales
            FROM scout.gold_daily_metrics
            """,
        PartitionBy = "date_key",
        InputTables = ["scout.gold_daily_metrics"],
        TransformVersion = "medallion-gold-1",
        Columns =
        [
            new("date_key", DatasetColumnType.Date, IsNullable: false),
            new("store_id", DatasetColumnType.Text, IsNullable: false),
            new("tenant_id", DatasetColumnType.Text, IsNullable: false),
            new("transaction_count", DatasetColumnType.Int8, IsNullable: false),
            DatasetColumn.Numeric("total_sales", 20, 4),
            DatasetColumn.Numeric("total_discount", 20, 4),
            DatasetColumn.Numeric("net_sales", 20, 4),
            new("unique_customers", DatasetColumnType.Int8, IsNullable: false),
            new("new_customers", DatasetColumnType.Int8, IsNullable: false),
            new("returning_customers", DatasetColumnType.Int8, IsNullable: false),
            new("vip_customers", DatasetColumnType.Int8, IsNullable: false),
            DatasetColumn.Numeric("units_sold", 20, 4),
            DatasetColumn.Numeric("avg_basket_size", 20, 4),
            DatasetColumn.Numeric("avg_transaction_value", 20, 4),
            DatasetColumn.Numeric("morning_sales", 20, 4),
            DatasetColumn.Numeric("afternoon_sales", 20, 4),
            DatasetColumn.Numeric("evening_sales", 20, 4),
            DatasetColumn.Numeric("night_sales", 20, 4),
            new("campaign_transactions", DatasetColumnType.Int8, IsNullable: false),
            DatasetColumn.Numeric("campaign_sales", 20, 4),
        ],
    };

    /// <summary>Every name <see cref="Find"/> knows.</summary>
    public static IReadOnlyList<string> Names { get; } = ["gold_daily_metrics", "silver_transactions"];

    /// <summary>The definition of <paramref name="name"/>, or null.</summary>
    public static DatasetDefinition? Find(string? name) => name switch
    {
        "gold_daily_metrics" => GoldDailyMetrics,
        null => null,
        _ => BuiltInDatasets.Find(name),
    };
}
