using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Npgsql;

namespace Lakehouse.Medallion;

/// <summary>
/// Basket segments: k-means (Microsoft.ML's <see cref="KMeansTrainer"/>, k-means++ initialisation, one thread, fixed
/// seed) over per-transaction features scaled to z-scores, fitted per tenant; k configured or chosen by silhouette on a
/// fixed-seed sample. Both medallion engines call this with the same transactions in the same order, so they agree.
/// </summary>
/// <remarks>
/// Features (see <see cref="FeatureNames"/>): ln(1 + net peso value), ln(1 + Σ quantities), the share of the line
/// amounts in each of the six categories, the Philippine local time of day on the unit circle (sin, cos of
/// minutes / 1440 · 2π), the payment method one-hot (none set when the event named none) and a campaign flag.
/// Each feature is centred on its mean and divided by its standard deviation over the tenant's transactions.
/// </remarks>
public static class BasketClustering
{
    internal const int FeatureCount = 16;

    internal static readonly string[] Categories = ["beverages", "snacks", "personal_care", "household", "tobacco", "other"];

    internal static readonly string[] Payments = ["cash", "gcash", "maya", "card", "other"];

    private static readonly string[] s_featureNames =
    [
        "log_peso_value", "log_items",
        "share_beverages", "share_snacks", "share_personal_care", "share_household", "share_tobacco", "share_other",
        "hour_sin", "hour_cos",
        "pay_cash", "pay_gcash", "pay_maya", "pay_card", "pay_other",
        "campaign",
    ];

    /// <summary>The names of the features, in the order of <see cref="BasketClusterModel.Means"/> and the centroids.</summary>
    public static IReadOnlyList<string> FeatureNames => s_featureNames;

    /// <summary>Clusters the baskets of silver transactions and profiles the clusters.</summary>
    /// <param name="silver">Silver transactions (any order; they are ordered by tenant, store and transaction id first).</param>
    /// <param name="rfm">RFM rows to pair with each customer's usual basket cluster; none when <see langword="null"/>.</param>
    /// <param name="options">Options; defaults when <see langword="null"/>.</param>
    /// <returns>Assignments, profiles, customer segments and the per-tenant models.</returns>
    public static BasketClusteringResult Run(
        IEnumerable<SilverTransaction> silver, IEnumerable<CustomerRfm>? rfm = null, BasketClusteringOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(silver);
        return RunInputs(silver.Select(BasketInput.From), rfm ?? [], options ?? new BasketClusteringOptions());
    }

    /// <summary>A plain-text table of profiles, one line per cluster (for consoles and logs).</summary>
    /// <param name="profiles">The profiles, e.g. <see cref="MedallionSnapshot.BasketProfiles"/>.</param>
    /// <returns>The table, with a header line; a single line saying so when there are no profiles.</returns>
    public static string FormatProfiles(IEnumerable<BasketClusterProfile> profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        string[] header = ["tenant", "cluster", "label", "txns", "txn %", "sales %", "avg PHP", "avg items", "categories", "hour", "payment", "campaign %"];
        var rows = new List<string[]> { header };
        rows.AddRange(profiles.Select(p => ProfileCells(p)));
        if (rows.Count == 1)
        {
            return "no basket clusters" + Environment.NewLine;
        }

        int[] widths = [.. Enumerable.Range(0, header.Length).Select(i => rows.Max(r => r[i].Length))];
        var text = new StringBuilder();
        foreach (string[] row in rows)
        {
            for (int i = 0; i < row.Length; i++)
            {
                text.Append(i == 0 ? "" : "  ").Append(row[i].PadRight(i == row.Length - 1 ? 0 : widths[i]));
            }

            text.Append(Environment.NewLine);
        }

        return text.ToString();
    }

    /// <summary>A profile's cells in the order of <see cref="FormatProfiles"/>' header (shared with the tool's table).</summary>
    /// <param name="p">The profile.</param>
    /// <returns>tenant, cluster, label, txns, txn %, sales %, avg PHP, avg items, categories, hour, payment, campaign %.</returns>
    public static string[] ProfileCells(BasketClusterProfile p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return
        [
            p.TenantId, p.ClusterId.ToString(CultureInfo.InvariantCulture), p.Label, p.Transactions.ToString(CultureInfo.InvariantCulture),
            Percent(p.TransactionShare, 1), Percent(p.SalesShare, 1), p.AvgPesoValue.ToString("0.00", CultureInfo.InvariantCulture),
            p.AvgItems.ToString("0.00", CultureInfo.InvariantCulture), p.DominantCategories, Clock(p.TypicalHour), PaymentMix(p),
            Percent(p.CampaignShare, 0),
        ];
    }

    /// <summary>The payment methods that account for at least 10 % of a cluster, e.g. <c>gcash 71%, cash 20%</c>.</summary>
    /// <param name="p">The profile.</param>
    /// <returns>The mix, or <c>none named</c>.</returns>
    public static string PaymentMix(BasketClusterProfile p)
    {
        ArgumentNullException.ThrowIfNull(p);
        decimal[] shares = PaymentShares(p);
        string mix = string.Join(", ", Enumerable.Range(0, Payments.Length)
            .Where(i => shares[i] >= 0.1m).OrderByDescending(i => shares[i]).ThenBy(i => i)
            .Select(i => Payments[i] + " " + Percent(shares[i], 0)));
        return mix.Length == 0 ? "none named" : mix;
    }

    /// <summary>Reads the basket cluster profiles a <see cref="MedallionRunner"/> run stored in <c>scout.platinum_basket_cluster_profiles</c>.</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The profiles ordered by tenant and cluster id (only the session's tenant under row-level security).</returns>
    public static Task<IReadOnlyList<BasketClusterProfile>> ReadProfilesAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        return BasketClusterWriter.ReadProfilesAsync(dataSource, cancellationToken);
    }

    internal static BasketClusteringResult RunInputs(IEnumerable<BasketInput> inputs, IEnumerable<CustomerRfm> rfm, BasketClusteringOptions options)
    {
        Validate(options);
        List<BasketInput> all = CanonicalOrder.SortByStrings(inputs, i => i.TenantId, i => i.StoreId, i => i.TransactionId);
        DateOnly asOf = all.Count == 0 ? DateOnly.MinValue : all.Max(i => i.DateKey);
        var assignments = new List<BasketAssignment>(all.Count);
        var profiles = new List<BasketClusterProfile>();
        var models = new List<BasketClusterModel>();
        var modal = new Dictionary<(string Tenant, string Customer), Dictionary<int, int>>();
        foreach (IGrouping<string, BasketInput> tenantGroup in all.GroupBy(i => i.TenantId, StringComparer.Ordinal))
        {
            List<BasketInput> tenant = [.. tenantGroup];
            (int[] labels, BasketClusterModel model) = Fit(tenantGroup.Key, tenant, options);
            models.Add(model);
            for (int i = 0; i < tenant.Count; i++)
            {
                BasketInput t = tenant[i];
                assignments.Add(new BasketAssignment(t.StoreId, t.TransactionId, t.TenantId, labels[i]));
                if (t.CustomerId is not null)
                {
                    if (!modal.TryGetValue((t.TenantId, t.CustomerId), out Dictionary<int, int>? counts))
                    {
                        modal[(t.TenantId, t.CustomerId)] = counts = [];
                    }

                    counts[labels[i]] = counts.GetValueOrDefault(labels[i]) + 1;
                }
            }

            profiles.AddRange(Profile(tenantGroup.Key, tenant, labels, model.ClusterCount, asOf));
        }

        var labelOf = profiles.ToDictionary(p => (p.TenantId, p.ClusterId), p => p.Label);
        var segments = new List<CustomerSegment>();
        foreach (CustomerRfm r in rfm)
        {
            if (!modal.TryGetValue((r.TenantId, r.CustomerId), out Dictionary<int, int>? counts))
            {
                continue;
            }

            (int cluster, int count) = counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key).Select(c => (c.Key, c.Value)).First();
            decimal share = Math.Round((decimal)count / counts.Values.Sum(), 4, MidpointRounding.AwayFromZero);
            segments.Add(new CustomerSegment(r.CustomerId, r.TenantId, r.Segment, cluster, labelOf[(r.TenantId, cluster)], share,
                string.Create(CultureInfo.InvariantCulture, $"{r.Segment}/c{cluster}"), asOf));
        }

        assignments.Sort(static (a, b) => string.CompareOrdinal(a.StoreId, b.StoreId) is var c && c != 0 ? c : string.CompareOrdinal(a.TransactionId, b.TransactionId));
        segments.Sort(static (a, b) => string.CompareOrdinal(a.CustomerId, b.CustomerId));
        return new BasketClusteringResult(assignments, profiles, segments, models);
    }

    private static void Validate(BasketClusteringOptions o)
    {
        if (o.ClusterCount is < 1 || o.MinClusters < 2 || o.MaxClusters < o.MinClusters || o.SelectionSampleSize < 10 || o.SilhouetteSampleSize < 10 || o.MaxIterations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(o),
                "basket clustering needs ClusterCount ≥ 1 (or null), 2 ≤ MinClusters ≤ MaxClusters, sample sizes ≥ 10 and MaxIterations ≥ 1");
        }
    }

    // ------------------------------------------------------------------ fitting

    private static (int[] Labels, BasketClusterModel Model) Fit(string tenantId, List<BasketInput> tenant, BasketClusteringOptions options)
    {
        int n = tenant.Count;
        var rows = new FeatureRow[n];
        for (int i = 0; i < n; i++)
        {
            rows[i] = new FeatureRow { Features = tenant[i].Features() };
        }

        (double[] means, double[] scales) = Standardize(rows);
        var silhouettes = new SortedDictionary<int, double>();
        int k;
        float[][]? centroids = null;
        int distinct = Distinct(rows, Math.Max(options.ClusterCount ?? 0, options.MaxClusters) + 1); // k-means cannot place more centres than points
        if (options.ClusterCount is { } configured)
        {
            k = Math.Min(configured, distinct);
        }
        else
        {
            FeatureRow[] sample = Sample(rows, options.SelectionSampleSize, options.Seed);
            FeatureRow[] silhouetteSample = Sample(sample, options.SilhouetteSampleSize, options.Seed);
            int largest = Math.Min(options.MaxClusters, Math.Min(Distinct(sample, options.MaxClusters + 1), sample.Length - 1));
            var fits = new Dictionary<int, float[][]>();
            var candidates = new List<int>();
            var candidateLabels = new List<int[]>();
            for (int candidate = options.MinClusters; candidate <= largest; candidate++)
            {
                float[][] fit = KMeans(sample, candidate, options);
                fits[candidate] = fit;
                candidates.Add(candidate);
                candidateLabels.Add(Assign(silhouetteSample, fit));
            }

            // Every candidate's silhouette in one pass over the pairs (each distance computed once, not once per k).
            double[] scores = Silhouettes(silhouetteSample, candidateLabels, candidates);
            double best = double.NegativeInfinity;
            k = 1;
            for (int c = 0; c < candidates.Count; c++)
            {
                silhouettes[candidates[c]] = scores[c];
                if (scores[c] > best)
                {
                    (best, k) = (scores[c], candidates[c]);
                }
            }

            if (sample.Length == n && k > 1)
            {
                centroids = fits[k];
            }
        }

        centroids ??= k == 1 ? [Mean(rows)] : KMeans(rows, k, options);
        int[] raw = Assign(rows, centroids);

        // Renumber: 1 = the largest cluster (then the higher sales, then the fit's order); empty clusters are dropped.
        var counts = new long[centroids.Length];
        var sales = new decimal[centroids.Length];
        for (int i = 0; i < n; i++)
        {
            counts[raw[i]]++;
            sales[raw[i]] += tenant[i].NetAmount;
        }

        int[] order = [.. Enumerable.Range(0, centroids.Length).Where(c => counts[c] > 0)
            .OrderByDescending(c => counts[c]).ThenByDescending(c => sales[c]).ThenBy(c => c)];
        var id = new int[centroids.Length];
        for (int rank = 0; rank < order.Length; rank++)
        {
            id[order[rank]] = rank + 1;
        }

        int[] labels = [.. raw.Select(c => id[c])];
        var model = new BasketClusterModel(tenantId, n, order.Length, silhouettes, means, scales,
            [.. order.Select(c => (IReadOnlyList<float>)centroids[c])]);
        return (labels, model);
    }

    private static (double[] Means, double[] Scales) Standardize(FeatureRow[] rows)
    {
        var means = new double[FeatureCount];
        var scales = new double[FeatureCount];
        foreach (FeatureRow row in rows)
        {
            for (int j = 0; j < FeatureCount; j++)
            {
                means[j] += row.Features[j];
            }
        }

        for (int j = 0; j < FeatureCount; j++)
        {
            means[j] /= rows.Length;
        }

        foreach (FeatureRow row in rows)
        {
            for (int j = 0; j < FeatureCount; j++)
            {
                double d = row.Features[j] - means[j];
                scales[j] += d * d;
            }
        }

        for (int j = 0; j < FeatureCount; j++)
        {
            double sd = Math.Sqrt(scales[j] / rows.Length);
            scales[j] = sd > 1e-12 ? sd : 1.0;
        }

        foreach (FeatureRow row in rows)
        {
            for (int j = 0; j < FeatureCount; j++)
            {
                row.Features[j] = (float)((row.Features[j] - means[j]) / scales[j]);
            }
        }

        return (means, scales);
    }

    // The number of distinct rows, counting no further than limit.
    private static int Distinct(FeatureRow[] rows, int limit)
    {
        var seen = new HashSet<float[]>(FeaturesComparer.Instance);
        foreach (FeatureRow row in rows)
        {
            if (seen.Add(row.Features) && seen.Count >= limit)
            {
                break;
            }
        }

        return seen.Count;
    }

    private sealed class FeaturesComparer : IEqualityComparer<float[]>
    {
        public static readonly FeaturesComparer Instance = new();

        public bool Equals(float[]? x, float[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(float[] obj)
        {
            var hash = new HashCode();
            foreach (float f in obj)
            {
                hash.Add(f);
            }

            return hash.ToHashCode();
        }
    }

    // A fixed-seed sample without replacement, kept in input order; the rows themselves when there are few enough.
    private static FeatureRow[] Sample(FeatureRow[] rows, int size, int seed)
    {
        if (rows.Length <= size)
        {
            return rows;
        }

        var random = new Random(seed);
        int[] index = [.. Enumerable.Range(0, rows.Length)];
        for (int i = 0; i < size; i++)
        {
            int j = random.Next(i, index.Length);
            (index[i], index[j]) = (index[j], index[i]);
        }

        Array.Sort(index, 0, size);
        return [.. index.Take(size).Select(i => rows[i])];
    }

    private static readonly SchemaDefinition s_schema = CreateSchema();

    private static SchemaDefinition CreateSchema()
    {
        SchemaDefinition schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, FeatureCount);
        return schema;
    }

    private static float[][] KMeans(FeatureRow[] rows, int k, BasketClusteringOptions options)
    {
        var ml = new MLContext(options.Seed);
        IDataView data = ml.Data.LoadFromEnumerable(rows, s_schema);
        KMeansTrainer trainer = ml.Clustering.Trainers.KMeans(new KMeansTrainer.Options
        {
            FeatureColumnName = nameof(FeatureRow.Features),
            NumberOfClusters = k,
            InitializationAlgorithm = KMeansTrainer.InitializationAlgorithm.KMeansPlusPlus,
            MaximumNumberOfIterations = options.MaxIterations,
            NumberOfThreads = 1, // one thread: the fit is the same on every run and machine
        });
        KMeansModelParameters model = trainer.Fit(data).Model;
        VBuffer<float>[] centroids = [];
        model.GetClusterCentroids(ref centroids, out int count);
        return [.. centroids.Take(count).Select(c => c.DenseValues().ToArray())];
    }

    private static float[] Mean(FeatureRow[] rows)
    {
        var sum = new double[FeatureCount];
        foreach (FeatureRow row in rows)
        {
            for (int j = 0; j < FeatureCount; j++)
            {
                sum[j] += row.Features[j];
            }
        }

        return [.. sum.Select(s => (float)(s / rows.Length))];
    }

    // Nearest centroid by Euclidean distance; ties go to the lower index.
    private static int[] Assign(FeatureRow[] rows, float[][] centroids)
    {
        var labels = new int[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            double best = double.PositiveInfinity;
            for (int c = 0; c < centroids.Length; c++)
            {
                double d = Distance2(rows[i].Features, centroids[c]);
                if (d < best)
                {
                    (best, labels[i]) = (d, c);
                }
            }
        }

        return labels;
    }

    private static double Distance2(float[] a, float[] b)
    {
        double sum = 0;
        for (int j = 0; j < FeatureCount; j++)
        {
            double d = a[j] - b[j];
            sum += d * d;
        }

        return sum;
    }

    /// <summary>Mean silhouette: (b − a) / max(a, b) per point, a = mean distance within its cluster, b = to the nearest other; 0 for singletons.</summary>
    internal static double Silhouette(FeatureRow[] rows, int[] labels, int k) => Silhouettes(rows, [labels], [k])[0];

    /// <summary>
    /// <see cref="Silhouette"/> of several labelings of the same rows at once: each pair's distance is computed once and
    /// added to every labeling's sums in the same order as one labeling alone would, so each score is bit-identical.
    /// </summary>
    internal static double[] Silhouettes(FeatureRow[] rows, IReadOnlyList<int[]> labelings, IReadOnlyList<int> ks)
    {
        int n = rows.Length, m = labelings.Count;
        var sizes = new int[m][];
        var sums = new double[m][];
        for (int c = 0; c < m; c++)
        {
            sizes[c] = new int[ks[c]];
            sums[c] = new double[ks[c]];
            foreach (int l in labelings[c])
            {
                sizes[c][l]++;
            }
        }

        var totals = new double[m];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < m; c++)
            {
                Array.Clear(sums[c]);
            }

            float[] row = rows[i].Features;
            for (int j = 0; j < n; j++)
            {
                if (i != j)
                {
                    double d = Math.Sqrt(Distance2(row, rows[j].Features));
                    for (int c = 0; c < m; c++)
                    {
                        sums[c][labelings[c][j]] += d;
                    }
                }
            }

            for (int c = 0; c < m; c++)
            {
                int[] size = sizes[c];
                double[] sum = sums[c];
                int own = labelings[c][i];
                if (size[own] <= 1)
                {
                    continue;
                }

                double a = sum[own] / (size[own] - 1);
                double b = double.PositiveInfinity;
                for (int other = 0; other < size.Length; other++)
                {
                    if (other != own && size[other] > 0)
                    {
                        b = Math.Min(b, sum[other] / size[other]);
                    }
                }

                if (!double.IsPositiveInfinity(b) && Math.Max(a, b) > 0)
                {
                    totals[c] += (b - a) / Math.Max(a, b);
                }
            }
        }

        return [.. totals.Select(t => t / n)];
    }

    /// <summary>The original one-labeling silhouette, kept as the reference <see cref="Silhouettes"/> is tested against.</summary>
    internal static double SilhouetteReference(FeatureRow[] rows, int[] labels, int k)
    {
        int n = rows.Length;
        var size = new int[k];
        foreach (int l in labels)
        {
            size[l]++;
        }

        double total = 0;
        var sums = new double[k];
        for (int i = 0; i < n; i++)
        {
            Array.Clear(sums);
            for (int j = 0; j < n; j++)
            {
                if (i != j)
                {
                    sums[labels[j]] += Math.Sqrt(Distance2(rows[i].Features, rows[j].Features));
                }
            }

            int own = labels[i];
            if (size[own] <= 1)
            {
                continue;
            }

            double a = sums[own] / (size[own] - 1);
            double b = double.PositiveInfinity;
            for (int c = 0; c < k; c++)
            {
                if (c != own && size[c] > 0)
                {
                    b = Math.Min(b, sums[c] / size[c]);
                }
            }

            if (!double.IsPositiveInfinity(b) && Math.Max(a, b) > 0)
            {
                total += (b - a) / Math.Max(a, b);
            }
        }

        return total / n;
    }

    // ------------------------------------------------------------------ profiles

    private static List<BasketClusterProfile> Profile(string tenantId, List<BasketInput> tenant, int[] labels, int k, DateOnly asOf)
    {
        var count = new long[k];
        var sales = new decimal[k];
        var units = new decimal[k];
        var categories = new decimal[k, Categories.Length];
        var payments = new long[k, Payments.Length];
        var campaign = new long[k];
        var hours = new long[k, 24];
        decimal tenantSales = 0m;
        for (int i = 0; i < tenant.Count; i++)
        {
            BasketInput t = tenant[i];
            int c = labels[i] - 1;
            count[c]++;
            sales[c] += t.NetAmount;
            tenantSales += t.NetAmount;
            units[c] += t.Units;
            for (int j = 0; j < Categories.Length; j++)
            {
                categories[c, j] += t.CategoryAmounts[j];
            }

            if (t.Payment >= 0)
            {
                payments[c, t.Payment]++;
            }

            campaign[c] += t.Campaign ? 1 : 0;
            hours[c, Math.Clamp(t.MinuteOfDay / 60, 0, 23)]++;
        }

        decimal[] transactionShares = LargestRemainder([.. count.Select(x => (decimal)x)]);
        decimal[] salesShares = LargestRemainder(sales);
        decimal overallAverage = tenant.Count == 0 ? 0m : tenantSales / tenant.Count;
        var result = new List<BasketClusterProfile>(k);
        for (int c = 0; c < k; c++)
        {
            decimal[] categoryShares = LargestRemainder([.. Enumerable.Range(0, Categories.Length).Select(j => categories[c, j])]);
            decimal Share(long x) => Math.Round((decimal)x / count[c], 4, MidpointRounding.AwayFromZero);
            // The busiest hour of the day (earliest on a tie): a mean of times of day lands between the breakfast, lunch
            // and after-work peaks, at an hour when few people shop.
            int busiest = 0;
            for (int h = 1; h < 24; h++)
            {
                busiest = hours[c, h] > hours[c, busiest] ? h : busiest;
            }

            decimal hour = busiest;
            var profile = new BasketClusterProfile
            {
                TenantId = tenantId,
                ClusterId = c + 1,
                Label = "",
                Transactions = count[c],
                TransactionShare = transactionShares[c],
                Sales = sales[c],
                SalesShare = salesShares[c],
                AvgPesoValue = Math.Round(sales[c] / count[c], 2, MidpointRounding.AwayFromZero),
                AvgItems = Math.Round(units[c] / count[c], 2, MidpointRounding.AwayFromZero),
                BeveragesShare = categoryShares[0],
                SnacksShare = categoryShares[1],
                PersonalCareShare = categoryShares[2],
                HouseholdShare = categoryShares[3],
                TobaccoShare = categoryShares[4],
                OtherCategoryShare = categoryShares[5],
                DominantCategories = Dominant(categoryShares),
                TypicalHour = hour,
                CashShare = Share(payments[c, 0]),
                GcashShare = Share(payments[c, 1]),
                MayaShare = Share(payments[c, 2]),
                CardShare = Share(payments[c, 3]),
                OtherPaymentShare = Share(payments[c, 4]),
                CampaignShare = Share(campaign[c]),
                AsOfDate = asOf,
            };
            result.Add(profile with { Label = Label(profile, overallAverage) });
        }

        return result;
    }

    // Rounds shares of a total to 4 decimals so that they add up to exactly 1: floors, then the largest remainders
    // (ties: the lower index) get the missing ten-thousandths. All zeros when the total is not positive.
    internal static decimal[] LargestRemainder(decimal[] values)
    {
        decimal total = values.Sum();
        var result = new decimal[values.Length];
        if (total <= 0m)
        {
            return result;
        }

        var remainders = new decimal[values.Length];
        long assigned = 0;
        for (int i = 0; i < values.Length; i++)
        {
            decimal exact = values[i] * 10_000m / total;
            decimal floor = Math.Floor(exact);
            result[i] = floor;
            remainders[i] = exact - floor;
            assigned += (long)floor;
        }

        foreach (int i in Enumerable.Range(0, values.Length).OrderByDescending(i => remainders[i]).ThenBy(i => i).Take((int)(10_000 - assigned)))
        {
            result[i] += 1m;
        }

        return [.. result.Select(r => r / 10_000m)];
    }

    private static string Dominant(decimal[] shares)
    {
        string text = string.Join(", ", Enumerable.Range(0, Categories.Length)
            .Where(j => shares[j] >= 0.15m).OrderByDescending(j => shares[j]).ThenBy(j => j).Take(3)
            .Select(j => Categories[j] + " " + Percent(shares[j], 0)));
        return text.Length == 0 ? (shares.Sum() == 0m ? "none" : "mixed") : text;
    }

    private static string Label(BasketClusterProfile p, decimal overallAverage)
    {
        var parts = new List<string>
        {
            overallAverage <= 0m ? "basket"
                : p.AvgPesoValue >= 1.5m * overallAverage ? "big basket"
                : p.AvgPesoValue <= 0.67m * overallAverage ? "small basket"
                : "mid basket",
            p.TypicalHour switch
            {
                >= 6m and < 12m => "morning",
                >= 12m and < 18m => "afternoon",
                >= 18m and < 22m => "evening",
                _ => "night",
            },
        };
        decimal[] payments = PaymentShares(p);
        int topPayment = Enumerable.Range(0, Payments.Length).OrderByDescending(i => payments[i]).ThenBy(i => i).First();
        parts.Add(payments[topPayment] >= 0.5m ? Payments[topPayment] : "mixed payment");
        decimal[] categories = [p.BeveragesShare, p.SnacksShare, p.PersonalCareShare, p.HouseholdShare, p.TobaccoShare, p.OtherCategoryShare];
        int topCategory = Enumerable.Range(0, Categories.Length).OrderByDescending(i => categories[i]).ThenBy(i => i).First();
        if (categories[topCategory] >= 0.5m)
        {
            parts.Add(Categories[topCategory].Replace('_', ' '));
        }

        if (p.CampaignShare >= 0.5m)
        {
            parts.Add("campaign");
        }

        return string.Join(", ", parts);
    }

    private static decimal[] PaymentShares(BasketClusterProfile p) => [p.CashShare, p.GcashShare, p.MayaShare, p.CardShare, p.OtherPaymentShare];

    private static string Percent(decimal share, int decimals) =>
        (share * 100m).ToString(decimals == 0 ? "0" : "0.0", CultureInfo.InvariantCulture) + "%";

    private static string Clock(decimal hours)
    {
        int minutes = (int)Math.Round(hours * 60m, MidpointRounding.AwayFromZero) % 1440;
        return string.Create(CultureInfo.InvariantCulture, $"{minutes / 60:00}:{minutes % 60:00}");
    }
}

/// <summary>One row handed to Microsoft.ML: a transaction's (scaled) features.</summary>
internal sealed class FeatureRow
{
    public float[] Features { get; set; } = [];
}

/// <summary>What clustering needs of a silver transaction; both engines build it (from records or from one SQL query).</summary>
internal readonly record struct BasketInput(
    string TenantId, string StoreId, string TransactionId, string? CustomerId, DateOnly DateKey, decimal NetAmount, decimal Units,
    int MinuteOfDay, int Payment, bool Campaign, decimal[] CategoryAmounts)
{
    public static BasketInput From(SilverTransaction t)
    {
        var amounts = new decimal[BasketClustering.Categories.Length];
        foreach (SilverLineItem line in t.Lines)
        {
            amounts[CategoryIndex(line.Category)] += line.LineAmount;
        }

        return new BasketInput(t.TenantId, t.StoreId, t.TransactionId, t.CustomerId, t.DateKey, t.NetAmount, t.Units,
            LocalMinute(t.Timestamp), PaymentIndex(t.PaymentMethod), t.CampaignId is not null, amounts);
    }

    public static int LocalMinute(DateTimeOffset timestamp)
    {
        DateTimeOffset local = timestamp.ToOffset(PhilippineTime.Offset);
        return local.Hour * 60 + local.Minute;
    }

    public static int CategoryIndex(string? category)
    {
        int index = category is null ? -1 : Array.IndexOf(BasketClustering.Categories, category);
        return index < 0 ? BasketClustering.Categories.Length - 1 : index;
    }

    public static int PaymentIndex(string? method) => method is null ? -1 : Array.IndexOf(BasketClustering.Payments, method) is var i && i >= 0 ? i : 4;

    public float[] Features()
    {
        var f = new float[BasketClustering.FeatureCount];
        f[0] = (float)Math.Log(1 + (double)Math.Max(0m, NetAmount));
        f[1] = (float)Math.Log(1 + (double)Math.Max(0m, Units));
        decimal lines = 0m;
        foreach (decimal a in CategoryAmounts)
        {
            lines += a;
        }

        if (lines > 0m)
        {
            for (int j = 0; j < CategoryAmounts.Length; j++)
            {
                f[2 + j] = (float)((double)CategoryAmounts[j] / (double)lines);
            }
        }

        double angle = MinuteOfDay / 1440.0 * 2 * Math.PI;
        f[8] = (float)Math.Sin(angle);
        f[9] = (float)Math.Cos(angle);
        if (Payment >= 0)
        {
            f[10 + Payment] = 1f;
        }

        f[15] = Campaign ? 1f : 0f;
        return f;
    }
}
