using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Lakehouse.Medallion.Tests;

public sealed class BasketClusteringTests
{
    /// <summary>Three well-separated basket types, with sizes 500 / 300 / 200 (the planted truth is the store id).</summary>
    internal static List<SilverTransaction> PlantedBaskets(int seed, int small = 500, int big = 300, int night = 200, string tenant = "default")
    {
        var random = new Random(seed);
        var list = new List<SilverTransaction>();
        var day = new DateTimeOffset(2026, 11, 2, 0, 0, 0, PhilippineTime.Offset);

        // small: one snack, ~₱30, morning, cash
        for (int i = 0; i < small; i++)
        {
            list.Add(Basket(tenant, "SMALL", i, random, day.AddHours(7 + random.NextDouble() * 2), "cash", campaign: false,
                [("snacks", 1, 20 + random.Next(0, 21))], customer: "C" + (i % 40).ToString(CultureInfo.InvariantCulture)));
        }

        // big: household and personal care, ~₱1 000, evening, gcash, campaign
        for (int i = 0; i < big; i++)
        {
            list.Add(Basket(tenant, "BIG", i, random, day.AddHours(19 + random.NextDouble() * 2), "gcash", campaign: true,
                [("household", 4 + random.Next(0, 4), 120 + random.Next(0, 40)), ("personal_care", 3 + random.Next(0, 3), 90 + random.Next(0, 20))],
                customer: "C" + (100 + i % 20).ToString(CultureInfo.InvariantCulture)));
        }

        // night: beverages and tobacco, ~₱200, late night, maya
        for (int i = 0; i < night; i++)
        {
            list.Add(Basket(tenant, "NIGHT", i, random, day.AddHours(23 + random.NextDouble() * 1.5), "maya", campaign: false,
                [("beverages", 2, 45 + random.Next(0, 10)), ("tobacco", 1, 100 + random.Next(0, 20))], customer: null));
        }

        return list;
    }

    private static SilverTransaction Basket(
        string tenant, string store, int i, Random random, DateTimeOffset ts, string payment, bool campaign,
        (string Category, int Qty, decimal Price)[] lines, string? customer)
    {
        var items = lines.Select((l, n) => new SilverLineItem(n + 1, "P" + l.Category, null, l.Category, l.Qty, l.Price, l.Qty * l.Price, 0m)).ToList();
        decimal total = items.Sum(l => l.LineAmount);
        return new SilverTransaction
        {
            StoreId = store,
            TransactionId = "T" + i.ToString("D5", CultureInfo.InvariantCulture),
            TenantId = tenant,
            EventHash = [(byte)random.Next(256)],
            Timestamp = ts,
            DateKey = PhilippineTime.DateKey(ts),
            TimeOfDay = PhilippineTime.TimeOfDayOf(ts),
            CustomerId = customer,
            TotalAmount = total,
            NetAmount = total,
            PesoValue = total,
            PaymentMethod = payment,
            ItemCount = items.Count,
            UniqueProducts = items.Count,
            Units = items.Sum(l => l.Quantity),
            CampaignId = campaign ? "CAMP1" : null,
            Lines = items,
        };
    }

    [Fact]
    public void Run_with_three_planted_basket_types_and_k3_recovers_them_with_their_sizes()
    {
        BasketClusteringResult result = BasketClustering.Run(PlantedBaskets(seed: 1), options: new BasketClusteringOptions { ClusterCount = 3 });

        Assert.Equal([500L, 300L, 200L], result.Profiles.Select(p => p.Transactions));
        foreach (IGrouping<string, BasketAssignment> planted in result.Assignments.GroupBy(a => a.StoreId))
        {
            Assert.Single(planted.Select(a => a.ClusterId).Distinct()); // each planted group is one cluster
        }

        Assert.Equal(1, result.Assignments.First(a => a.StoreId == "SMALL").ClusterId);
        Assert.Equal(2, result.Assignments.First(a => a.StoreId == "BIG").ClusterId);
        Assert.Equal(3, result.Assignments.First(a => a.StoreId == "NIGHT").ClusterId);
    }

    [Fact]
    public void Run_without_a_configured_k_chooses_the_planted_k_by_silhouette()
    {
        BasketClusteringResult result = BasketClustering.Run(PlantedBaskets(seed: 2));

        BasketClusterModel model = Assert.Single(result.Models);
        Assert.Equal(3, model.ClusterCount);
        Assert.Equal(Enumerable.Range(2, 7), model.Silhouettes.Keys);
        Assert.Equal(3, model.Silhouettes.MaxBy(s => s.Value).Key);
        Assert.Equal([500L, 300L, 200L], result.Profiles.Select(p => p.Transactions));
    }

    [Fact]
    public void Run_on_a_large_input_chooses_k_on_a_sample_and_still_recovers_the_planted_groups()
    {
        var options = new BasketClusteringOptions { SelectionSampleSize = 300, SilhouetteSampleSize = 100 };
        BasketClusteringResult result = BasketClustering.Run(PlantedBaskets(seed: 3, small: 1500, big: 900, night: 600), options: options);

        Assert.Equal(3, Assert.Single(result.Models).ClusterCount);
        Assert.Equal([1500L, 900L, 600L], result.Profiles.Select(p => p.Transactions));
    }

    [Fact]
    public void Run_twice_with_the_same_seed_gives_identical_assignments_centroids_and_profiles_whatever_the_input_order()
    {
        List<SilverTransaction> input = PlantedBaskets(seed: 4);
        // Blur the groups so that the fit has real choices to make.
        input.AddRange(PlantedBaskets(seed: 5, small: 60, big: 60, night: 60).Select(t => t with
        {
            StoreId = "MIX",
            TransactionId = t.StoreId + t.TransactionId,
            PaymentMethod = t.StoreId == "SMALL" ? "gcash" : "cash",
            Timestamp = t.Timestamp.AddHours(6),
        }));
        var options = new BasketClusteringOptions { ClusterCount = 5, Seed = 123 };

        BasketClusteringResult first = BasketClustering.Run(input, options: options);
        BasketClusteringResult second = BasketClustering.Run(Enumerable.Reverse(input).ToList(), options: options);

        Assert.Equal(first.Assignments, second.Assignments);
        Assert.Equal(first.Profiles, second.Profiles);
        BasketClusterModel a = Assert.Single(first.Models), b = Assert.Single(second.Models);
        Assert.Equal(a.Centroids.Count, b.Centroids.Count);
        for (int c = 0; c < a.Centroids.Count; c++)
        {
            Assert.Equal(a.Centroids[c], b.Centroids[c]); // bit for bit
        }

        Assert.Equal(a.Means, b.Means);
        Assert.Equal(a.Scales, b.Scales);
    }

    [Property(MaxTest = 8)]
    public Property Run_is_deterministic_for_any_seed_and_k(PositiveInt seed, PositiveInt k)
    {
        List<SilverTransaction> input = PlantedBaskets(seed.Get, small: 80, big: 50, night: 30);
        input.AddRange(PlantedBaskets(seed.Get + 1, small: 20, big: 20, night: 20)
            .Select(t => t with { StoreId = "MIX", TransactionId = t.StoreId + t.TransactionId, PaymentMethod = "card" }));
        var options = new BasketClusteringOptions { Seed = seed.Get, ClusterCount = k.Get % 2 == 0 ? null : 1 + k.Get % 9 };

        BasketClusteringResult a = BasketClustering.Run(input, options: options);
        BasketClusteringResult b = BasketClustering.Run(Enumerable.Reverse(input), options: options);

        bool same = a.Assignments.SequenceEqual(b.Assignments) && a.Profiles.SequenceEqual(b.Profiles)
            && a.Models[0].Centroids.Zip(b.Models[0].Centroids).All(p => p.First.SequenceEqual(p.Second))
            && a.Profiles.Select(p => p.Transactions).SequenceEqual(a.Profiles.Select(p => p.Transactions).OrderDescending());
        return same.Label($"k={options.ClusterCount}, seed={options.Seed}");
    }

    [Fact]
    public void Run_with_k_above_the_distinct_baskets_uses_as_many_clusters_as_there_are_distinct_baskets()
    {
        SilverTransaction one = PlantedBaskets(seed: 14, small: 1, big: 0, night: 0)[0];
        SilverTransaction other = PlantedBaskets(seed: 15, small: 0, big: 1, night: 0)[0];
        List<SilverTransaction> input = [.. Enumerable.Range(0, 12).Select(i => (i % 3 == 0 ? other : one) with
        {
            TransactionId = "T" + i.ToString("D2", CultureInfo.InvariantCulture),
        })];

        BasketClusteringResult result = BasketClustering.Run(input, options: new() { ClusterCount = 6 });

        Assert.Equal([8L, 4L], result.Profiles.Select(p => p.Transactions));
    }

    [Fact]
    public void Run_numbers_clusters_by_descending_size()
    {
        BasketClusteringResult result = BasketClustering.Run(PlantedBaskets(seed: 6, small: 100, big: 400, night: 250), options: new() { ClusterCount = 3 });

        Assert.Equal([1, 2, 3], result.Profiles.Select(p => p.ClusterId));
        Assert.Equal([400L, 250L, 100L], result.Profiles.Select(p => p.Transactions));
        Assert.Equal(1, result.Assignments.First(a => a.StoreId == "BIG").ClusterId);
    }

    [Fact]
    public void Profiles_describe_the_planted_groups_in_readable_units()
    {
        BasketClusteringResult result = BasketClustering.Run(PlantedBaskets(seed: 7), options: new() { ClusterCount = 3 });
        BasketClusterProfile small = result.Profiles[0], big = result.Profiles[1], night = result.Profiles[2];

        Assert.InRange(small.AvgPesoValue, 20m, 40m);
        Assert.Equal(1m, small.AvgItems);
        Assert.Equal(1m, small.SnacksShare);
        Assert.Equal("snacks 100%", small.DominantCategories);
        Assert.InRange(small.TypicalHour, 7m, 9m);
        Assert.Equal(1m, small.CashShare);
        Assert.Equal(0m, small.CampaignShare);
        Assert.Equal("small basket, morning, cash, snacks", small.Label);

        Assert.Equal(1m, big.GcashShare);
        Assert.Equal(1m, big.CampaignShare);
        Assert.Equal(1m, big.HouseholdShare + big.PersonalCareShare);
        Assert.InRange(big.TypicalHour, 19m, 21m);
        Assert.StartsWith("big basket, evening, gcash", big.Label, StringComparison.Ordinal);
        Assert.EndsWith("campaign", big.Label, StringComparison.Ordinal);

        Assert.True(night.TypicalHour >= 23m || night.TypicalHour < 1m, night.TypicalHour.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("night", night.Label.Split(", ")[1]);
        Assert.Equal(1m, night.MayaShare);
        Assert.True(big.SalesShare > small.SalesShare);
        Assert.Equal(result.Profiles.Sum(p => p.Sales), PlantedBaskets(seed: 7).Sum(t => t.NetAmount));
    }

    [Property(MaxTest = 15)]
    public Property Profiles_shares_sum_to_exactly_one_per_tenant(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        List<SilverTransaction> input =
        [
            .. PlantedBaskets(seed.Get, small: random.Next(1, 60), big: random.Next(0, 40), night: random.Next(0, 40), tenant: "tenant-a"),
            .. PlantedBaskets(seed.Get + 1, small: random.Next(1, 30), big: random.Next(1, 30), night: random.Next(0, 10), tenant: "tenant-b")
                .Select(t => t with { StoreId = "B-" + t.StoreId }),
        ];

        BasketClusteringResult result = BasketClustering.Run(input);

        bool ok = result.Profiles.GroupBy(p => p.TenantId).All(g => g.Sum(p => p.TransactionShare) == 1m && g.Sum(p => p.SalesShare) == 1m)
            && result.Profiles.All(p => p.BeveragesShare + p.SnacksShare + p.PersonalCareShare + p.HouseholdShare + p.TobaccoShare + p.OtherCategoryShare == 1m)
            && result.Profiles.Sum(p => p.Transactions) == input.Count
            && result.Assignments.Count == input.Count;
        return ok.Label(string.Join("; ", result.Profiles.Select(p => $"{p.TenantId}/{p.ClusterId} {p.TransactionShare} {p.SalesShare}")));
    }

    [Fact]
    public void Run_fits_each_tenant_on_its_own()
    {
        List<SilverTransaction> input =
        [
            .. PlantedBaskets(seed: 8, tenant: "tenant-a"),
            .. PlantedBaskets(seed: 9, small: 30, big: 20, night: 0, tenant: "tenant-b").Select(t => t with { StoreId = "B-" + t.StoreId }),
        ];

        BasketClusteringResult result = BasketClustering.Run(input);

        Assert.Equal(["tenant-a", "tenant-b"], result.Models.Select(m => m.TenantId));
        Assert.Equal(3, result.Models[0].ClusterCount);
        Assert.Equal(2, result.Models[1].ClusterCount);
        Assert.All(result.Assignments.Where(a => a.StoreId.StartsWith("B-", StringComparison.Ordinal)), a => Assert.Equal("tenant-b", a.TenantId));
        Assert.Equal([30L, 20L], result.Profiles.Where(p => p.TenantId == "tenant-b").Select(p => p.Transactions));
    }

    [Fact]
    public void Customer_segments_pair_rfm_with_the_modal_basket_cluster()
    {
        List<SilverTransaction> input = PlantedBaskets(seed: 10);
        // C5 buys small baskets (12–13 of them) and also two big ones: small stays their usual cluster.
        input.Add(input.First(t => t.StoreId == "BIG") with { TransactionId = "X1", CustomerId = "C5" });
        input.Add(input.First(t => t.StoreId == "BIG") with { TransactionId = "X2", CustomerId = "C5" });
        List<CustomerRfm> rfm = PlatinumCalculator.Rfm(input);

        BasketClusteringResult result = BasketClustering.Run(input, rfm, new BasketClusteringOptions { ClusterCount = 3 });

        Assert.Equal(rfm.Select(r => r.CustomerId), result.CustomerSegments.Select(s => s.CustomerId));
        CustomerSegment c5 = result.CustomerSegments.Single(s => s.CustomerId == "C5");
        Assert.Equal(1, c5.BasketCluster);
        int smallCount = input.Count(t => t.CustomerId == "C5" && t.StoreId == "SMALL");
        Assert.Equal(Math.Round((decimal)smallCount / (smallCount + 2), 4), c5.BasketShare);
        Assert.Equal(result.Profiles[0].Label, c5.BasketLabel);
        CustomerSegment c100 = result.CustomerSegments.Single(s => s.CustomerId == "C100");
        Assert.Equal(2, c100.BasketCluster);
        Assert.Equal(1m, c100.BasketShare);
        Assert.Equal(rfm.Single(r => r.CustomerId == "C100").Segment + "/c2", c100.Segment);
    }

    [Fact]
    public void Run_with_tiny_inputs_gives_one_cluster_or_none()
    {
        Assert.Empty(BasketClustering.Run([]).Profiles);
        BasketClusteringResult two = BasketClustering.Run(PlantedBaskets(seed: 11, small: 2, big: 0, night: 0));
        BasketClusterProfile only = Assert.Single(two.Profiles);
        Assert.Equal(1m, only.TransactionShare);
        // Identical baskets: k-means has nothing to split, shares still add up.
        List<SilverTransaction> same = [.. Enumerable.Range(0, 10).Select(i => PlantedBaskets(seed: 12, small: 1, big: 0, night: 0)[0] with
        {
            TransactionId = "T" + i.ToString(CultureInfo.InvariantCulture),
        })];
        BasketClusteringResult identical = BasketClustering.Run(same);
        Assert.Equal(1m, identical.Profiles.Sum(p => p.TransactionShare));
        Assert.Equal(10L, identical.Profiles.Sum(p => p.Transactions));
    }

    [Property(MaxTest = 20)]
    public Property Silhouettes_of_several_labelings_in_one_pass_equal_each_labeling_alone_bit_for_bit(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        int n = 20 + random.Next(0, 120);
        FeatureRow[] rows = [.. Enumerable.Range(0, n).Select(_ => new FeatureRow
        {
            Features = [.. Enumerable.Range(0, BasketClustering.FeatureCount).Select(_ => (float)(random.NextDouble() * 4 - 2))],
        })];
        int[] ks = [.. Enumerable.Range(0, 1 + random.Next(0, 6)).Select(_ => 2 + random.Next(0, 7))];
        int[][] labelings = [.. ks.Select(k => Enumerable.Range(0, n).Select(_ => random.Next(0, k)).ToArray())];

        double[] together = BasketClustering.Silhouettes(rows, labelings, ks);

        double[] alone = [.. ks.Select((k, c) => BasketClustering.SilhouetteReference(rows, labelings[c], k))];
        return together.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(alone.Select(BitConverter.DoubleToInt64Bits)).Label("bit-identical");
    }

    [Fact]
    public void LargestRemainder_rounds_to_four_decimals_summing_to_one()
    {
        Assert.Equal([0.3334m, 0.3333m, 0.3333m], BasketClustering.LargestRemainder([1m, 1m, 1m]));
        Assert.Equal([0m, 0m], BasketClustering.LargestRemainder([0m, 0m]));
        Assert.Equal(1m, BasketClustering.LargestRemainder([7m, 13m, 0.5m, 99m, 1m]).Sum());
    }

    [Fact]
    public void FormatProfiles_prints_one_line_per_cluster_with_its_label()
    {
        BasketClusteringResult result = BasketClustering.Run(PlantedBaskets(seed: 13), options: new() { ClusterCount = 3 });

        string text = BasketClustering.FormatProfiles(result.Profiles);

        string[] lines = text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("tenant", lines[0], StringComparison.Ordinal);
        Assert.Contains("small basket, morning, cash, snacks", lines[1], StringComparison.Ordinal);
        Assert.Contains("cash 100%", lines[1], StringComparison.Ordinal);
        Assert.Contains("50.0%", lines[1], StringComparison.Ordinal);
        Assert.Equal("no basket clusters" + Environment.NewLine, BasketClustering.FormatProfiles([]));
    }

    [Fact]
    public void InMemoryMedallion_snapshot_carries_profiles_and_disabling_clustering_empties_them()
    {
        List<BronzeRow> rows = BronzeCorpus.Generate(seed: 21, count: 300);
        var engine = new InMemoryMedallion(BronzeCorpus.Resolve, TestKeys.Options());
        engine.Process(rows);
        MedallionSnapshot snapshot = engine.Snapshot();

        Assert.Equal(snapshot.Silver.Count, snapshot.BasketClusters.Count);
        Assert.NotEmpty(snapshot.BasketProfiles);
        Assert.Equal(snapshot.Rfm.Count, snapshot.CustomerSegments.Count);

        var off = new InMemoryMedallion(BronzeCorpus.Resolve, Disabled());
        off.Process(rows);
        Assert.Empty(off.Snapshot().BasketProfiles);
    }

    private static MedallionOptions Disabled()
    {
        MedallionOptions options = TestKeys.Options();
        options.Clustering.Enabled = false;
        return options;
    }
}
