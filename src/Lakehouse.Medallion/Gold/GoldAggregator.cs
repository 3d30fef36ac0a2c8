namespace Lakehouse.Medallion;

/// <summary>
/// The gold rules, once, for both engines: accumulates silver transactions into mergeable partial aggregates.
/// The in-memory engine feeds it everything; the PostgreSQL engine feeds it one run's new silver rows and merges
/// the partials into the gold tables (sums add, customer sets union), which is why incremental equals full.
/// </summary>
internal sealed class GoldAggregator
{
    internal sealed class DayAccumulator
    {
        public string TenantId = "default";
        public long TransactionCount;
        public decimal TotalSales;
        public decimal TotalDiscount;
        public decimal NetSales;
        public decimal UnitsSold;
        public decimal MorningSales;
        public decimal AfternoonSales;
        public decimal EveningSales;
        public decimal NightSales;
        public long CampaignTransactions;
        public decimal CampaignSales;
    }

    internal sealed class CustomerFlags
    {
        public string TenantId = "default";
        public bool IsNew;
        public bool IsReturning;
        public bool IsVip;
    }

    internal sealed class GeoAccumulator
    {
        public string TenantId = "default";
        public long TransactionCount;
        public decimal PesoTotal;
    }

    internal sealed class ProductAccumulator
    {
        public string TenantId = "default";
        public decimal Units;
        public decimal Revenue;
    }

    public Dictionary<(string StoreId, DateOnly Date), DayAccumulator> Days { get; } = [];

    public Dictionary<(string StoreId, DateOnly Date, string CustomerId), CustomerFlags> Customers { get; } = [];

    public Dictionary<(string StoreId, DateOnly Date, string Region, string Province), GeoAccumulator> Geo { get; } = [];

    public Dictionary<(string ProductId, string StoreId, DateOnly Date), ProductAccumulator> Products { get; } = [];

    public void Add(SilverTransaction t)
    {
        var dayKey = (t.StoreId, t.DateKey);
        if (!Days.TryGetValue(dayKey, out DayAccumulator? day))
        {
            Days[dayKey] = day = new DayAccumulator { TenantId = t.TenantId };
        }

        day.TransactionCount++;
        day.TotalSales += t.TotalAmount;
        day.TotalDiscount += t.DiscountAmount;
        day.NetSales += t.NetAmount;
        day.UnitsSold += t.Units;
        switch (t.TimeOfDay)
        {
            case TimeOfDay.Morning: day.MorningSales += t.NetAmount; break;
            case TimeOfDay.Afternoon: day.AfternoonSales += t.NetAmount; break;
            case TimeOfDay.Evening: day.EveningSales += t.NetAmount; break;
            default: day.NightSales += t.NetAmount; break;
        }

        if (t.CampaignId is not null)
        {
            day.CampaignTransactions++;
            day.CampaignSales += t.NetAmount;
        }

        if (t.CustomerId is not null)
        {
            var customerKey = (t.StoreId, t.DateKey, t.CustomerId);
            if (!Customers.TryGetValue(customerKey, out CustomerFlags? flags))
            {
                Customers[customerKey] = flags = new CustomerFlags { TenantId = t.TenantId };
            }

            flags.IsNew |= t.CustomerType == "new";
            flags.IsReturning |= t.CustomerType == "returning";
            flags.IsVip |= t.CustomerType == "vip";
        }

        var geoKey = (t.StoreId, t.DateKey, t.RegionCode ?? "", t.ProvinceCode ?? "");
        if (!Geo.TryGetValue(geoKey, out GeoAccumulator? geo))
        {
            Geo[geoKey] = geo = new GeoAccumulator { TenantId = t.TenantId };
        }

        geo.TransactionCount++;
        geo.PesoTotal += t.NetAmount;

        foreach (SilverLineItem line in t.Lines)
        {
            var productKey = (line.ProductId, t.StoreId, t.DateKey);
            if (!Products.TryGetValue(productKey, out ProductAccumulator? product))
            {
                Products[productKey] = product = new ProductAccumulator { TenantId = t.TenantId };
            }

            product.Units += line.Quantity;
            product.Revenue += line.LineAmount - line.DiscountAmount;
        }
    }

    /// <summary>Averages from merged sums: the same formula as the SQL merge (<c>round(x, 4)</c>, half away from zero).</summary>
    public static decimal Average(decimal sum, long count) =>
        count == 0 ? 0m : Math.Round(sum / count, 4, MidpointRounding.AwayFromZero);

    public IEnumerable<GoldDailyMetrics> DailyMetrics()
    {
        var counts = new Dictionary<(string, DateOnly), (long Unique, long New, long Returning, long Vip)>();
        foreach (var ((store, date, _), flags) in Customers)
        {
            counts.TryGetValue((store, date), out var c);
            counts[(store, date)] = (c.Unique + 1, c.New + (flags.IsNew ? 1 : 0), c.Returning + (flags.IsReturning ? 1 : 0), c.Vip + (flags.IsVip ? 1 : 0));
        }

        foreach (var ((store, date), d) in Days)
        {
            counts.TryGetValue((store, date), out var c);
            yield return new GoldDailyMetrics
            {
                StoreId = store,
                DateKey = date,
                TenantId = d.TenantId,
                TransactionCount = d.TransactionCount,
                TotalSales = d.TotalSales,
                TotalDiscount = d.TotalDiscount,
                NetSales = d.NetSales,
                UniqueCustomers = c.Unique,
                NewCustomers = c.New,
                ReturningCustomers = c.Returning,
                VipCustomers = c.Vip,
                UnitsSold = d.UnitsSold,
                AvgBasketSize = Average(d.UnitsSold, d.TransactionCount),
                AvgTransactionValue = Average(d.NetSales, d.TransactionCount),
                MorningSales = d.MorningSales,
                AfternoonSales = d.AfternoonSales,
                EveningSales = d.EveningSales,
                NightSales = d.NightSales,
                CampaignTransactions = d.CampaignTransactions,
                CampaignSales = d.CampaignSales,
            };
        }
    }

    public IEnumerable<GoldStoreDayCustomer> StoreDayCustomers()
    {
        foreach (var ((store, date, customer), f) in Customers)
        {
            yield return new GoldStoreDayCustomer(store, date, customer, f.TenantId, f.IsNew, f.IsReturning, f.IsVip);
        }
    }

    public IEnumerable<GoldGeoStoreDaily> GeoStoreDaily()
    {
        foreach (var ((store, date, region, province), g) in Geo)
        {
            yield return new GoldGeoStoreDaily(store, date, region, province, g.TenantId, g.TransactionCount, g.PesoTotal);
        }
    }

    public IEnumerable<GoldProductStoreDaily> ProductStoreDaily()
    {
        foreach (var ((product, store, date), p) in Products)
        {
            yield return new GoldProductStoreDaily(product, store, date, p.TenantId, p.Units, p.Revenue);
        }
    }
}
