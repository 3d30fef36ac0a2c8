namespace Lakehouse.Medallion;

/// <summary>One store's day: a row of <c>scout.gold_daily_metrics</c>.</summary>
/// <remarks>
/// Every measure is mergeable: counts and sums add, and the customer counts come from the exact set of customers
/// per store and day (<c>scout.gold_store_day_customers</c>), so partial results combine to the full answer.
/// Averages are derived from the merged sums and rounded to 4 decimal places (half away from zero).
/// </remarks>
public sealed record GoldDailyMetrics
{
    /// <summary>The store.</summary>
    public required string StoreId { get; init; }

    /// <summary>The Philippine local date.</summary>
    public DateOnly DateKey { get; init; }

    /// <summary>The store's tenant.</summary>
    public string TenantId { get; init; } = "default";

    /// <summary>Transactions.</summary>
    public long TransactionCount { get; init; }

    /// <summary>Gross sales (Σ silver <c>total_amount</c>).</summary>
    public decimal TotalSales { get; init; }

    /// <summary>Σ discounts.</summary>
    public decimal TotalDiscount { get; init; }

    /// <summary>Net sales (Σ peso value).</summary>
    public decimal NetSales { get; init; }

    /// <summary>Distinct customers.</summary>
    public long UniqueCustomers { get; init; }

    /// <summary>Distinct customers with a transaction typed <c>new</c>.</summary>
    public long NewCustomers { get; init; }

    /// <summary>Distinct customers with a transaction typed <c>returning</c>.</summary>
    public long ReturningCustomers { get; init; }

    /// <summary>Distinct customers with a transaction typed <c>vip</c>.</summary>
    public long VipCustomers { get; init; }

    /// <summary>Σ item quantities.</summary>
    public decimal UnitsSold { get; init; }

    /// <summary>Units per transaction, 4 decimals.</summary>
    public decimal AvgBasketSize { get; init; }

    /// <summary>Net sales per transaction, 4 decimals.</summary>
    public decimal AvgTransactionValue { get; init; }

    /// <summary>Net sales in the morning.</summary>
    public decimal MorningSales { get; init; }

    /// <summary>Net sales in the afternoon.</summary>
    public decimal AfternoonSales { get; init; }

    /// <summary>Net sales in the evening.</summary>
    public decimal EveningSales { get; init; }

    /// <summary>Net sales at night.</summary>
    public decimal NightSales { get; init; }

    /// <summary>Transactions with a campaign.</summary>
    public long CampaignTransactions { get; init; }

    /// <summary>Net sales of transactions with a campaign.</summary>
    public decimal CampaignSales { get; init; }
}

/// <summary>Per store, day and place: the base of the region and province choropleth metrics.</summary>
/// <param name="StoreId">The store.</param>
/// <param name="DateKey">The date.</param>
/// <param name="RegionCode">PSGC region code, or empty when unresolved.</param>
/// <param name="ProvinceCode">PSGC province code, or empty (NCR, unresolved).</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="TransactionCount">Transactions.</param>
/// <param name="PesoTotal">Net sales.</param>
public sealed record GoldGeoStoreDaily(
    string StoreId, DateOnly DateKey, string RegionCode, string ProvinceCode, string TenantId, long TransactionCount, decimal PesoTotal);

/// <summary>Per product, store and day: the base of product performance.</summary>
/// <param name="ProductId">The product.</param>
/// <param name="StoreId">The store.</param>
/// <param name="DateKey">The date.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="Units">Units sold.</param>
/// <param name="Revenue">Σ line amount − discount.</param>
public sealed record GoldProductStoreDaily(string ProductId, string StoreId, DateOnly DateKey, string TenantId, decimal Units, decimal Revenue);

/// <summary>A distinct customer of a store on a day, with the customer types seen.</summary>
/// <param name="StoreId">The store.</param>
/// <param name="DateKey">The date.</param>
/// <param name="CustomerId">The customer.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="IsNew">Some transaction typed it <c>new</c>.</param>
/// <param name="IsReturning">Some transaction typed it <c>returning</c>.</param>
/// <param name="IsVip">Some transaction typed it <c>vip</c>.</param>
public sealed record GoldStoreDayCustomer(string StoreId, DateOnly DateKey, string CustomerId, string TenantId, bool IsNew, bool IsReturning, bool IsVip);
