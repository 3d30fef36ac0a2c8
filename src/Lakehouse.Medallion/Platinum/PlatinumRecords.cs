namespace Lakehouse.Medallion;

/// <summary>A customer's RFM profile: a row of <c>scout.platinum_customer_rfm</c>.</summary>
/// <param name="CustomerId">The customer (pseudonym).</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="AsOfDate">The newest date in silver: recency is measured from it.</param>
/// <param name="RecencyDays">Days since the customer's last purchase.</param>
/// <param name="Frequency">Transactions.</param>
/// <param name="Monetary">Net sales.</param>
/// <param name="RScore">Recency quintile, 5 = most recent.</param>
/// <param name="FScore">Frequency quintile, 5 = most frequent.</param>
/// <param name="MScore">Monetary quintile, 5 = highest spend.</param>
/// <param name="Segment">champions, loyal, new, at_risk, hibernating or potential.</param>
public sealed record CustomerRfm(
    string CustomerId, string TenantId, DateOnly AsOfDate, int RecencyDays, long Frequency, decimal Monetary,
    int RScore, int FScore, int MScore, string Segment);

/// <summary>Units of a product sold over the last 7 and 30 days, per store or per region.</summary>
/// <param name="ProductId">The product.</param>
/// <param name="Scope"><c>store</c> or <c>region</c>.</param>
/// <param name="ScopeId">The store id or PSGC region code.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="AsOfDate">The newest date in silver.</param>
/// <param name="Units7d">Units in the 7 days ending on the as-of date.</param>
/// <param name="Units30d">Units in the 30 days ending on the as-of date.</param>
public sealed record ProductVelocity(string ProductId, string Scope, string ScopeId, string TenantId, DateOnly AsOfDate, decimal Units7d, decimal Units30d);

/// <summary>A store-day's net sales against its trailing window: a row of <c>scout.platinum_store_anomalies</c>.</summary>
/// <param name="StoreId">The store.</param>
/// <param name="DateKey">The day.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="NetSales">The day's net sales.</param>
/// <param name="Median">Median net sales over the trailing window, when it has enough days.</param>
/// <param name="Mad">Median absolute deviation over the window.</param>
/// <param name="RobustZ">0.6745 × (net − median) / MAD, rounded to 4 decimals; null without a window or with MAD 0.</param>
/// <param name="IsAnomaly">|robust z| &gt; the threshold (default 3.5).</param>
public sealed record StoreAnomaly(string StoreId, DateOnly DateKey, string TenantId, decimal NetSales, decimal? Median, decimal? Mad, decimal? RobustZ, bool IsAnomaly);
