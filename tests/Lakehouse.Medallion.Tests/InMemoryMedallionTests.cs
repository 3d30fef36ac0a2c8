using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Lakehouse.Medallion.Tests;

public sealed class InMemoryMedallionTests
{
    private static MedallionSnapshot Full(List<BronzeRow> rows)
    {
        var engine = new InMemoryMedallion(BronzeCorpus.Resolve, TestKeys.Options());
        engine.Process(rows);
        return engine.Snapshot();
    }

    [Property(MaxTest = 40)]
    public Property Incremental_over_any_split_with_replays_equals_full(PositiveInt seed, int[] cuts)
    {
        List<BronzeRow> rows = BronzeCorpus.Generate(seed.Get, 300);
        string full = SnapshotText.Of(Full(rows));

        var engine = new InMemoryMedallion(BronzeCorpus.Resolve, TestKeys.Options());
        var points = (cuts ?? []).Select(c => Math.Abs(c % (rows.Count + 1))).Append(rows.Count).Distinct().Order().ToList();
        int from = 0;
        foreach (int to in points)
        {
            // Each batch also replays a slice of what came before: replays must change nothing.
            engine.Process(rows.Skip(Math.Max(0, from - 20)).Take(to - Math.Max(0, from - 20)));
            engine.Process(rows.Skip(from).Take(to - from));
            from = to;
        }

        return (SnapshotText.Of(engine.Snapshot()) == full).Label("incremental == full");
    }

    [Fact]
    public void Process_applies_time_of_day_and_date_in_philippine_time()
    {
        var rows = new List<BronzeRow>
        {
            Row(1, """{"store_id":"S1","transaction_id":"a","ts":"2026-11-20T21:59:59Z","peso_value":10}"""), // 05:59 next day PH
            Row(2, """{"store_id":"S1","transaction_id":"b","ts":"2026-11-20T22:00:00Z","peso_value":10}"""), // 06:00
            Row(3, """{"store_id":"S1","transaction_id":"c","ts":"2026-11-21T12:00:00+08:00","peso_value":10}"""),
            Row(4, """{"store_id":"S1","transaction_id":"d","ts":"2026-11-21T21:59:00+08:00","peso_value":10}"""),
            Row(5, """{"store_id":"S1","transaction_id":"e","ts":"2026-11-21T22:00:00+08:00","peso_value":10}"""),
        };
        var engine = new InMemoryMedallion(options: TestKeys.Options());
        engine.Process(rows);
        var silver = engine.Snapshot().Silver.ToDictionary(s => s.TransactionId);

        Assert.Equal((new DateOnly(2026, 11, 21), TimeOfDay.Night), (silver["a"].DateKey, silver["a"].TimeOfDay));
        Assert.Equal((new DateOnly(2026, 11, 21), TimeOfDay.Morning), (silver["b"].DateKey, silver["b"].TimeOfDay));
        Assert.Equal(TimeOfDay.Afternoon, silver["c"].TimeOfDay);
        Assert.Equal(TimeOfDay.Evening, silver["d"].TimeOfDay);
        Assert.Equal(TimeOfDay.Night, silver["e"].TimeOfDay);
    }

    [Fact]
    public void Process_quality_rules_and_duplicate_transaction_ids_are_explicit()
    {
        var engine = new InMemoryMedallion(BronzeCorpus.Resolve, TestKeys.Options(), registeredStores: new Dictionary<string, string> { ["S1"] = "tenant-a" });
        engine.Process(
        [
            Row(1, """{"store_id":"S1","transaction_id":"ok","ts":"2026-11-21T02:00:00Z","peso_value":95.00,"items":[{"sku":"P1","qty":2,"unit_price":50,"discount":5}],"location":{"city":"Quezon City"}}"""),
            Row(2, """{"store_id":"S2","transaction_id":"bad","ts":"2026-11-21T02:00:00Z","peso_value":10,"items":[{"sku":"P1","qty":1,"unit_price":50}]}"""),
            Row(3, """{"store_id":"S1","transaction_id":"ok","ts":"2026-11-21T03:00:00Z","peso_value":1}"""),
        ]);
        MedallionSnapshot snapshot = engine.Snapshot();
        SilverTransaction ok = snapshot.Silver.Single(s => s.TransactionId == "ok");
        SilverTransaction bad = snapshot.Silver.Single(s => s.TransactionId == "bad");

        Assert.Equal(1.00m, ok.QualityScore);
        Assert.Equal("tenant-a", ok.TenantId);
        Assert.Equal("1381300000", ok.CitymunCode);
        Assert.Equal(100m, ok.TotalAmount);
        Assert.Equal(5m, ok.DiscountAmount);
        Assert.Equal(["items_sum_mismatch", "unknown_store", "place_unresolved"], bad.QualityFlags);
        Assert.Equal(0.40m, bad.QualityScore);
        QuarantinedEvent q = Assert.Single(snapshot.Quarantine);
        Assert.Equal((3L, "duplicate_transaction_id"), (q.BronzeId, q.Reason));
    }

    [Fact]
    public void Gold_daily_metrics_add_up_and_count_distinct_customers()
    {
        var engine = new InMemoryMedallion(options: TestKeys.Options());
        engine.Process(
        [
            Row(1, """{"store_id":"S1","transaction_id":"1","ts":"2026-11-21T08:00:00+08:00","peso_value":100,"customer_id":"C1","customer_type":"new","campaign_id":"X"}"""),
            Row(2, """{"store_id":"S1","transaction_id":"2","ts":"2026-11-21T13:00:00+08:00","peso_value":50.25,"customer_id":"C1","customer_type":"returning"}"""),
            Row(3, """{"store_id":"S1","transaction_id":"3","ts":"2026-11-21T19:00:00+08:00","peso_value":25,"customer_id":"C2","customer_type":"vip","items":[{"sku":"A","qty":3,"unit_price":10,"discount":5}]}"""),
        ]);
        GoldDailyMetrics g = Assert.Single(engine.Snapshot().GoldDaily);
        Assert.Equal(3, g.TransactionCount);
        Assert.Equal(175.25m, g.NetSales);
        Assert.Equal(180.25m, g.TotalSales);
        Assert.Equal(5m, g.TotalDiscount);
        Assert.Equal((2L, 1L, 1L, 1L), (g.UniqueCustomers, g.NewCustomers, g.ReturningCustomers, g.VipCustomers));
        Assert.Equal((100m, 50.25m, 25m, 0m), (g.MorningSales, g.AfternoonSales, g.EveningSales, g.NightSales));
        Assert.Equal((1L, 100m), (g.CampaignTransactions, g.CampaignSales));
        Assert.Equal(58.4167m, g.AvgTransactionValue);
        Assert.Equal(1m, g.AvgBasketSize);
    }

    [Fact]
    public void Platinum_rfm_velocity_and_anomalies_are_computed()
    {
        var rows = new List<BronzeRow>();
        for (int day = 1; day <= 20; day++)
        {
            decimal value = day == 20 ? 5000 : 100 + day % 3;
            rows.Add(Row(day, $$$"""{"store_id":"S1","transaction_id":"t{{{day}}}","ts":"2026-11-{{{day:00}}}T10:00:00+08:00","peso_value":{{{value}}},"customer_id":"C{{{day % 2}}}","items":[{"sku":"P1","qty":1,"unit_price":{{{value}}}}],"location":{"city":"Cebu City"}}"""));
        }

        var engine = new InMemoryMedallion(BronzeCorpus.Resolve, TestKeys.Options());
        engine.Process(rows);
        MedallionSnapshot s = engine.Snapshot();

        Assert.Equal(2, s.Rfm.Count);
        Assert.All(s.Rfm, r => Assert.Equal(new DateOnly(2026, 11, 20), r.AsOfDate));
        ProductVelocity store = s.Velocity.Single(v => v.Scope == "store");
        Assert.Equal((7m, 20m), (store.Units7d, store.Units30d));
        Assert.Equal("0700000000", s.Velocity.Single(v => v.Scope == "region").ScopeId);
        StoreAnomaly last = s.Anomalies.Single(a => a.DateKey == new DateOnly(2026, 11, 20));
        Assert.True(last.IsAnomaly);
        Assert.DoesNotContain(s.Anomalies, a => a.IsAnomaly && a.DateKey != new DateOnly(2026, 11, 20));
        Assert.Null(s.Anomalies.Single(a => a.DateKey == new DateOnly(2026, 11, 3)).RobustZ); // not enough history
    }

    [Fact]
    public void Snapshot_twice_without_input_returns_the_same_snapshot_as_a_fresh_engine()
    {
        List<BronzeRow> rows = BronzeCorpus.Generate(7, 300);
        var engine = new InMemoryMedallion(BronzeCorpus.Resolve, TestKeys.Options());
        engine.Process(rows);

        MedallionSnapshot first = engine.Snapshot();
        MedallionSnapshot second = engine.Snapshot();
        engine.Process(rows.Take(50)); // replays: no change
        MedallionSnapshot third = engine.Snapshot();

        Assert.Same(first, second);
        Assert.Same(first, third);
        Assert.NotEmpty(first.BasketClusters);
        Assert.Equal(SnapshotText.Of(Full(rows)), SnapshotText.Of(first));
    }

    [Fact]
    public void Snapshot_after_more_input_reclusters_all_of_silver_as_a_fresh_engine_would()
    {
        List<BronzeRow> rows = BronzeCorpus.Generate(11, 400);
        var engine = new InMemoryMedallion(BronzeCorpus.Resolve, TestKeys.Options());
        engine.Process(rows.Take(150));
        MedallionSnapshot before = engine.Snapshot();

        engine.Process(rows.Skip(150));
        MedallionSnapshot after = engine.Snapshot();

        Assert.NotSame(before, after);
        Assert.Equal(before.Silver.Count, before.BasketClusters.Count);
        Assert.Equal(after.Silver.Count, after.BasketClusters.Count);
        Assert.True(after.Silver.Count > before.Silver.Count);
        Assert.Equal(SnapshotText.Of(Full(rows)), SnapshotText.Of(after));
    }

    [Fact]
    public void Snapshot_after_only_quarantined_input_shows_the_new_quarantine_row()
    {
        var engine = new InMemoryMedallion(BronzeCorpus.Resolve, TestKeys.Options());
        engine.Process([Row(1, """{"store_id":"S1","transaction_id":"a","peso_value":10}""")]);
        MedallionSnapshot before = engine.Snapshot();

        engine.Process([Row(2, """{"store_id":"S1","transaction_id":"a","peso_value":12}""")]);

        Assert.Empty(before.Quarantine);
        Assert.Equal("duplicate_transaction_id", Assert.Single(engine.Snapshot().Quarantine).Reason);
    }

    [Fact]
    public void Snapshot_after_an_options_change_is_computed_with_the_new_options()
    {
        List<BronzeRow> rows = BronzeCorpus.Generate(5, 300);
        MedallionOptions options = TestKeys.Options();
        options.Clustering.ClusterCount = 2;
        var engine = new InMemoryMedallion(BronzeCorpus.Resolve, options);
        engine.Process(rows);
        MedallionSnapshot two = engine.Snapshot();

        options.Clustering.ClusterCount = 3;
        MedallionSnapshot three = engine.Snapshot();
        options.Clustering.Enabled = false;
        MedallionSnapshot none = engine.Snapshot();

        MedallionOptions fresh = TestKeys.Options();
        fresh.Clustering.ClusterCount = 3;
        var reference = new InMemoryMedallion(BronzeCorpus.Resolve, fresh);
        reference.Process(rows);
        Assert.Equal(2, two.BasketProfiles.Count);
        Assert.Equal(3, three.BasketProfiles.Count);
        Assert.Equal(SnapshotText.Of(reference.Snapshot()), SnapshotText.Of(three));
        Assert.Empty(none.BasketClusters);
    }

    [Fact]
    public void Process_resolves_each_distinct_typed_place_once_with_the_same_silver()
    {
        List<BronzeRow> rows = BronzeCorpus.Generate(3, 300);
        var calls = new List<(string?, string?, string?)>();
        PlaceAnswer Counting(string? region, string? province, string? city)
        {
            calls.Add((region, province, city));
            return BronzeCorpus.Resolve(region, province, city);
        }

        var engine = new InMemoryMedallion(Counting, TestKeys.Options());
        engine.Process(rows);

        Assert.NotEmpty(calls);
        Assert.Equal(calls.Count, calls.Distinct().Count());
        Assert.Equal(SnapshotText.Of(Full(rows)), SnapshotText.Of(engine.Snapshot()));
    }

    [Theory]
    [InlineData(5, 5, "champions")]
    [InlineData(5, 1, "new")]
    [InlineData(3, 5, "loyal")]
    [InlineData(1, 3, "at_risk")]
    [InlineData(2, 1, "hibernating")]
    [InlineData(3, 2, "potential")]
    public void Segment_rules(int r, int f, string segment) => Assert.Equal(segment, PlatinumCalculator.Segment(r, f));

    internal static BronzeRow Row(long id, string raw) =>
        new(id, System.Text.Json.JsonDocument.Parse(raw).RootElement.GetProperty("store_id").GetString()!,
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(raw)), raw, null,
            new DateTimeOffset(2026, 11, 21, 4, 0, 0, TimeSpan.Zero));
}
