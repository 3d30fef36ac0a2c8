using System.Globalization;
using System.Text;

namespace Lakehouse.Medallion.Tests;

/// <summary>A canonical text of a snapshot: equal snapshots (values, not scales or offsets) give equal text.</summary>
internal static class SnapshotText
{
    public static string Of(MedallionSnapshot s)
    {
        var b = new StringBuilder();
        foreach (SilverTransaction t in s.Silver)
        {
            b.Append("silver ").AppendJoin('|', t.StoreId, t.TransactionId, t.TenantId, t.BronzeId, Convert.ToHexString(t.EventHash), t.DeviceId,
                t.Timestamp.UtcTicks, t.DateKey, t.TimeOfDay, t.CustomerId, t.CustomerType, D(t.TotalAmount), D(t.DiscountAmount),
                D(t.NetAmount), D(t.PesoValue), t.PaymentMethod, t.ItemCount, t.UniqueProducts, D(t.Units), t.CampaignId,
                t.HandshakeScore is { } h ? D(h) : "", t.RegionCode, t.ProvinceCode, t.CitymunCode, t.GeoStatus, D(t.QualityScore),
                string.Join(',', t.QualityFlags)).AppendLine();
            foreach (SilverLineItem l in t.Lines)
            {
                b.Append("  line ").AppendJoin('|', l.LineNo, l.ProductId, l.Brand, l.Category, D(l.Quantity), D(l.UnitPrice), D(l.LineAmount), D(l.DiscountAmount)).AppendLine();
            }
        }

        foreach (QuarantinedEvent q in s.Quarantine)
        {
            b.Append("quarantine ").AppendJoin('|', q.BronzeId, q.StoreId, q.TransactionId, q.Reason).AppendLine();
        }

        foreach (GoldDailyMetrics g in s.GoldDaily)
        {
            b.Append("gold ").AppendJoin('|', g.StoreId, g.DateKey, g.TenantId, g.TransactionCount, D(g.TotalSales), D(g.TotalDiscount), D(g.NetSales),
                g.UniqueCustomers, g.NewCustomers, g.ReturningCustomers, g.VipCustomers, D(g.UnitsSold), D(g.AvgBasketSize), D(g.AvgTransactionValue),
                D(g.MorningSales), D(g.AfternoonSales), D(g.EveningSales), D(g.NightSales), g.CampaignTransactions, D(g.CampaignSales)).AppendLine();
        }

        foreach (GoldStoreDayCustomer c in s.GoldCustomers)
        {
            b.Append("customer ").AppendJoin('|', c.StoreId, c.DateKey, c.CustomerId, c.TenantId, c.IsNew, c.IsReturning, c.IsVip).AppendLine();
        }

        foreach (GoldGeoStoreDaily g in s.GoldGeo)
        {
            b.Append("geo ").AppendJoin('|', g.StoreId, g.DateKey, g.RegionCode, g.ProvinceCode, g.TenantId, g.TransactionCount, D(g.PesoTotal)).AppendLine();
        }

        foreach (GoldProductStoreDaily p in s.GoldProducts)
        {
            b.Append("product ").AppendJoin('|', p.ProductId, p.StoreId, p.DateKey, p.TenantId, D(p.Units), D(p.Revenue)).AppendLine();
        }

        foreach (CustomerRfm r in s.Rfm)
        {
            b.Append("rfm ").AppendJoin('|', r.CustomerId, r.TenantId, r.AsOfDate, r.RecencyDays, r.Frequency, D(r.Monetary), r.RScore, r.FScore, r.MScore, r.Segment).AppendLine();
        }

        foreach (ProductVelocity v in s.Velocity)
        {
            b.Append("velocity ").AppendJoin('|', v.ProductId, v.Scope, v.ScopeId, v.AsOfDate, D(v.Units7d), D(v.Units30d)).AppendLine();
        }

        foreach (StoreAnomaly a in s.Anomalies)
        {
            b.Append("anomaly ").AppendJoin('|', a.StoreId, a.DateKey, D(a.NetSales), a.Median is { } m ? D(m) : "", a.Mad is { } d ? D(d) : "",
                a.RobustZ is { } z ? D(z) : "", a.IsAnomaly).AppendLine();
        }

        foreach (BasketAssignment a in s.BasketClusters)
        {
            b.Append("basket ").AppendJoin('|', a.StoreId, a.TransactionId, a.TenantId, a.ClusterId).AppendLine();
        }

        foreach (BasketClusterProfile p in s.BasketProfiles)
        {
            b.Append("profile ").AppendJoin('|', p.TenantId, p.ClusterId, p.Label, p.Transactions, D(p.TransactionShare), D(p.Sales), D(p.SalesShare),
                D(p.AvgPesoValue), D(p.AvgItems), D(p.BeveragesShare), D(p.SnacksShare), D(p.PersonalCareShare), D(p.HouseholdShare),
                D(p.TobaccoShare), D(p.OtherCategoryShare), p.DominantCategories, D(p.TypicalHour), D(p.CashShare), D(p.GcashShare),
                D(p.MayaShare), D(p.CardShare), D(p.OtherPaymentShare), D(p.CampaignShare), p.AsOfDate).AppendLine();
        }

        foreach (CustomerSegment c in s.CustomerSegments)
        {
            b.Append("segment ").AppendJoin('|', c.CustomerId, c.TenantId, c.RfmSegment, c.BasketCluster, c.BasketLabel, D(c.BasketShare), c.Segment, c.AsOfDate).AppendLine();
        }

        return b.ToString();
    }

    private static string D(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);
}
