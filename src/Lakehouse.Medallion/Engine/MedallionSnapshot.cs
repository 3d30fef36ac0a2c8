namespace Lakehouse.Medallion;

/// <summary>Every layer's rows at one moment, in a canonical order, from either engine (so the two compare equal).</summary>
public sealed record MedallionSnapshot
{
    /// <summary>Silver transactions ordered by store and transaction id, each with its line items.</summary>
    public required IReadOnlyList<SilverTransaction> Silver { get; init; }

    /// <summary>Quarantined bronze rows ordered by bronze id.</summary>
    public required IReadOnlyList<QuarantinedEvent> Quarantine { get; init; }

    /// <summary>Gold store-days ordered by store and date.</summary>
    public required IReadOnlyList<GoldDailyMetrics> GoldDaily { get; init; }

    /// <summary>Distinct customers per store-day.</summary>
    public required IReadOnlyList<GoldStoreDayCustomer> GoldCustomers { get; init; }

    /// <summary>Per store, day and place.</summary>
    public required IReadOnlyList<GoldGeoStoreDaily> GoldGeo { get; init; }

    /// <summary>Per product, store and day.</summary>
    public required IReadOnlyList<GoldProductStoreDaily> GoldProducts { get; init; }

    /// <summary>Customer RFM segments.</summary>
    public required IReadOnlyList<CustomerRfm> Rfm { get; init; }

    /// <summary>Product velocity per store and per region.</summary>
    public required IReadOnlyList<ProductVelocity> Velocity { get; init; }

    /// <summary>Store-day anomaly scores.</summary>
    public required IReadOnlyList<StoreAnomaly> Anomalies { get; init; }

    /// <summary>Each transaction's basket cluster, ordered by store and transaction id.</summary>
    public IReadOnlyList<BasketAssignment> BasketClusters { get; init; } = [];

    /// <summary>Basket cluster profiles in readable units, ordered by tenant and cluster id (print them with <see cref="BasketClustering.FormatProfiles"/>).</summary>
    public IReadOnlyList<BasketClusterProfile> BasketProfiles { get; init; } = [];

    /// <summary>Customer segments (RFM with the usual basket cluster), ordered by customer id.</summary>
    public IReadOnlyList<CustomerSegment> CustomerSegments { get; init; } = [];

    internal static MedallionSnapshot Create(
        IEnumerable<SilverTransaction> silver,
        IEnumerable<QuarantinedEvent> quarantine,
        IEnumerable<GoldDailyMetrics> daily,
        IEnumerable<GoldStoreDayCustomer> customers,
        IEnumerable<GoldGeoStoreDaily> geo,
        IEnumerable<GoldProductStoreDaily> products,
        IReadOnlyDictionary<string, string?> storeRegion,
        decimal anomalyThreshold,
        (IEnumerable<CustomerRfm> Rfm, IEnumerable<ProductVelocity> Velocity, IEnumerable<StoreAnomaly> Anomalies)? platinum = null,
        BasketClusteringOptions? clustering = null,
        BasketClusteringResult? clusters = null)
    {
        // Stores, products and customers compare by their ordinal rank (CanonicalOrder): the orders of the OrderBy/ThenBy
        // chains they replace, faster on hundreds of thousands of rows.
        List<SilverTransaction> silverList = SortSilver(silver as ICollection<SilverTransaction> ?? [.. silver]);
        List<GoldDailyMetrics> dailyList = [.. daily.OrderBy(d => d.StoreId, StringComparer.Ordinal).ThenBy(d => d.DateKey)];
        List<GoldProductStoreDaily> productList = SortProducts(products as ICollection<GoldProductStoreDaily> ?? [.. products]);
        List<CustomerRfm> rfm = platinum is { } p1 ? [.. p1.Rfm.OrderBy(r => r.CustomerId, StringComparer.Ordinal)] : PlatinumCalculator.Rfm(silverList);
        clusters ??= clustering is { Enabled: false }
            ? new BasketClusteringResult([], [], [], [])
            : BasketClustering.RunInputs(silverList.Select(BasketInput.From), rfm, clustering ?? new BasketClusteringOptions());
        return new MedallionSnapshot
        {
            Silver = silverList,
            Quarantine = [.. quarantine.OrderBy(q => q.BronzeId)],
            GoldDaily = dailyList,
            GoldCustomers = SortCustomers(customers as ICollection<GoldStoreDayCustomer> ?? [.. customers]),
            GoldGeo = [.. geo
                .OrderBy(g => g.StoreId, StringComparer.Ordinal).ThenBy(g => g.DateKey)
                .ThenBy(g => g.RegionCode, StringComparer.Ordinal).ThenBy(g => g.ProvinceCode, StringComparer.Ordinal)],
            GoldProducts = productList,
            Rfm = rfm,
            Velocity = platinum is { } p2
                ? [.. p2.Velocity.OrderBy(v => v.ProductId, StringComparer.Ordinal).ThenBy(v => v.Scope, StringComparer.Ordinal).ThenBy(v => v.ScopeId, StringComparer.Ordinal)]
                : PlatinumCalculator.Velocity(productList, storeRegion),
            Anomalies = platinum is { } p3
                ? [.. p3.Anomalies.OrderBy(a => a.StoreId, StringComparer.Ordinal).ThenBy(a => a.DateKey)]
                : PlatinumCalculator.Anomalies(dailyList, anomalyThreshold),
            BasketClusters = clusters.Assignments,
            BasketProfiles = clusters.Profiles,
            CustomerSegments = clusters.CustomerSegments,
        };
    }

    private static List<SilverTransaction> SortSilver(ICollection<SilverTransaction> silver) =>
        CanonicalOrder.SortByStrings(silver, s => s.StoreId, s => s.TransactionId);

    private static List<GoldProductStoreDaily> SortProducts(ICollection<GoldProductStoreDaily> products)
    {
        Dictionary<string, uint> ids = CanonicalOrder.Ranks(products.Select(p => p.ProductId));
        Dictionary<string, uint> stores = CanonicalOrder.Ranks(products.Select(p => p.StoreId));
        return CanonicalOrder.Sort(products,
            p => CanonicalOrder.Rank(ids, p.ProductId), p => CanonicalOrder.Rank(stores, p.StoreId), p => CanonicalOrder.Day(p.DateKey));
    }

    private static List<GoldStoreDayCustomer> SortCustomers(ICollection<GoldStoreDayCustomer> customers)
    {
        Dictionary<string, uint> stores = CanonicalOrder.Ranks(customers.Select(c => c.StoreId));
        Dictionary<string, uint> ids = CanonicalOrder.Ranks(customers.Select(c => c.CustomerId));
        return CanonicalOrder.Sort(customers,
            c => CanonicalOrder.Rank(stores, c.StoreId), c => CanonicalOrder.Day(c.DateKey), c => CanonicalOrder.Rank(ids, c.CustomerId));
    }
}

/// <summary>What one medallion run did.</summary>
/// <param name="BronzeRead">Bronze rows read after the watermark.</param>
/// <param name="SilverInserted">New silver transactions.</param>
/// <param name="Quarantined">Rows sent to quarantine.</param>
/// <param name="GoldStoreDaysTouched">Store-days whose gold changed.</param>
/// <param name="Watermark">The bronze id the run reached.</param>
/// <param name="Skipped">True when another run held the lock and this one did nothing.</param>
public sealed record MedallionRunResult(long BronzeRead, long SilverInserted, long Quarantined, long GoldStoreDaysTouched, long Watermark, bool Skipped);
