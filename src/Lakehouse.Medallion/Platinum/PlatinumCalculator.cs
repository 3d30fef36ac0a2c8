namespace Lakehouse.Medallion;

/// <summary>The platinum rules, once, for both engines: RFM segments, product velocity and sales anomalies.</summary>
internal static class PlatinumCalculator
{
    /// <summary>Trailing days a store-day is compared with.</summary>
    public const int AnomalyWindowDays = 28;

    /// <summary>Fewest prior days with sales before a z-score is given.</summary>
    public const int AnomalyMinHistory = 7;

    public static List<CustomerRfm> Rfm(IEnumerable<SilverTransaction> silver)
    {
        var byCustomer = new Dictionary<string, CustomerTotals>(StringComparer.Ordinal);
        DateOnly asOf = DateOnly.MinValue;
        foreach (SilverTransaction t in silver)
        {
            asOf = t.DateKey > asOf ? t.DateKey : asOf;
            if (t.CustomerId is null)
            {
                continue;
            }

            byCustomer[t.CustomerId] = byCustomer.TryGetValue(t.CustomerId, out CustomerTotals c)
                ? c with { LastDate = t.DateKey > c.LastDate ? t.DateKey : c.LastDate, Count = c.Count + 1, Sum = c.Sum + t.NetAmount }
                : new CustomerTotals(t.CustomerId, t.TenantId, t.DateKey, 1, t.NetAmount);
        }

        return Rfm(byCustomer.Values, asOf);
    }

    /// <summary>RFM from per-customer totals (the PostgreSQL engine gets these from one GROUP BY).</summary>
    public static List<CustomerRfm> Rfm(IEnumerable<CustomerTotals> customers, DateOnly asOf)
    {
        var rows = customers.Select(c => (c.Id, c.TenantId, Recency: asOf.DayNumber - c.LastDate.DayNumber, c.Count, c.Sum)).ToList();
        int n = rows.Count;

        // Quintiles by rank with ties broken by customer id, so the scores do not depend on input order.
        Dictionary<string, int> Scores<T>(Func<(string Id, string TenantId, int Recency, long Count, decimal Sum), T> key, bool ascendingIsBetter)
        {
            var ordered = ascendingIsBetter
                ? rows.OrderBy(key).ThenBy(r => r.Id, StringComparer.Ordinal).ToList()
                : rows.OrderByDescending(key).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
            var scores = new Dictionary<string, int>(n, StringComparer.Ordinal);
            for (int i = 0; i < ordered.Count; i++)
            {
                scores[ordered[i].Id] = 5 - (int)(5L * i / n);
            }

            return scores;
        }

        Dictionary<string, int> r = Scores(x => x.Recency, ascendingIsBetter: true); // fewer days = better
        Dictionary<string, int> f = Scores(x => x.Count, ascendingIsBetter: false);
        Dictionary<string, int> m = Scores(x => x.Sum, ascendingIsBetter: false);
        var result = new List<CustomerRfm>(n);
        foreach (var row in rows)
        {
            int rs = r[row.Id], fs = f[row.Id], ms = m[row.Id];
            result.Add(new CustomerRfm(row.Id, row.TenantId, asOf, row.Recency, row.Count, row.Sum, rs, fs, ms, Segment(rs, fs)));
        }

        result.Sort(static (a, b) => string.CompareOrdinal(a.CustomerId, b.CustomerId));
        return result;
    }

    internal readonly record struct CustomerTotals(string Id, string TenantId, DateOnly LastDate, long Count, decimal Sum);

    internal static string Segment(int r, int f) => (r, f) switch
    {
        ( >= 4, >= 4) => "champions",
        ( >= 4, <= 1) => "new",
        (_, >= 4) => "loyal",
        ( <= 2, >= 3) => "at_risk",
        ( <= 2, _) => "hibernating",
        _ => "potential",
    };

    public static List<ProductVelocity> Velocity(IEnumerable<GoldProductStoreDaily> products, IReadOnlyDictionary<string, string?> storeRegion)
    {
        var list = products as IList<GoldProductStoreDaily> ?? products.ToList();
        if (list.Count == 0)
        {
            return [];
        }

        DateOnly asOf = list.Max(p => p.DateKey);
        var sums = new Dictionary<(string Product, string Scope, string Id), (string Tenant, decimal U7, decimal U30)>();
        foreach (GoldProductStoreDaily p in list)
        {
            int age = asOf.DayNumber - p.DateKey.DayNumber;
            if (age >= 30)
            {
                continue;
            }

            decimal u7 = age < 7 ? p.Units : 0m;
            Add((p.ProductId, "store", p.StoreId), p.TenantId, u7, p.Units);
            if (storeRegion.TryGetValue(p.StoreId, out string? region) && region is not null)
            {
                Add((p.ProductId, "region", region), p.TenantId, u7, p.Units);
            }
        }

        List<ProductVelocity> rows = [.. sums.Select(kv => new ProductVelocity(kv.Key.Product, kv.Key.Scope, kv.Key.Id, kv.Value.Tenant, asOf, kv.Value.U7, kv.Value.U30))];
        Dictionary<string, uint> productRanks = CanonicalOrder.Ranks(rows.Select(v => v.ProductId));
        Dictionary<string, uint> scopes = CanonicalOrder.Ranks(rows.Select(v => v.Scope));
        Dictionary<string, uint> ids = CanonicalOrder.Ranks(rows.Select(v => v.ScopeId));
        return CanonicalOrder.Sort(rows,
            v => CanonicalOrder.Rank(productRanks, v.ProductId), v => CanonicalOrder.Rank(scopes, v.Scope), v => CanonicalOrder.Rank(ids, v.ScopeId));

        void Add((string, string, string) key, string tenant, decimal u7, decimal u30)
        {
            ref var s = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(sums, key, out _); // one lookup
            s = (s.Tenant ?? tenant, s.U7 + u7, s.U30 + u30);
        }
    }

    public static List<StoreAnomaly> Anomalies(IEnumerable<GoldDailyMetrics> daily, decimal threshold)
    {
        var result = new List<StoreAnomaly>();
        foreach (var store in daily.GroupBy(d => d.StoreId, StringComparer.Ordinal))
        {
            var days = store.OrderBy(d => d.DateKey).ToList();
            for (int i = 0; i < days.Count; i++)
            {
                GoldDailyMetrics day = days[i];
                var window = new List<decimal>();
                for (int j = i - 1; j >= 0 && day.DateKey.DayNumber - days[j].DateKey.DayNumber <= AnomalyWindowDays; j--)
                {
                    window.Add(days[j].NetSales);
                }

                decimal? median = null, mad = null, z = null;
                if (window.Count >= AnomalyMinHistory)
                {
                    median = Median(window);
                    decimal med = median.Value;
                    mad = Median(window.Select(x => Math.Abs(x - med)).ToList());
                    if (mad.Value != 0m)
                    {
                        z = Math.Round(0.6745m * (day.NetSales - med) / mad.Value, 4, MidpointRounding.AwayFromZero);
                    }
                }

                result.Add(new StoreAnomaly(day.StoreId, day.DateKey, day.TenantId, day.NetSales, median, mad, z, z is { } zz && Math.Abs(zz) > threshold));
            }
        }

        result.Sort(static (a, b) => string.CompareOrdinal(a.StoreId, b.StoreId) is var c && c != 0 ? c : a.DateKey.CompareTo(b.DateKey));
        return result;
    }

    private static decimal Median(List<decimal> values)
    {
        values.Sort();
        int mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2m;
    }
}
