namespace Lakehouse.Medallion;

/// <summary>The basket cluster of one transaction: a row of <c>scout.platinum_basket_clusters</c>.</summary>
/// <param name="StoreId">The store.</param>
/// <param name="TransactionId">The transaction.</param>
/// <param name="TenantId">The tenant (clusters are fitted per tenant).</param>
/// <param name="ClusterId">1-based, 1 = the tenant's largest cluster.</param>
public sealed record BasketAssignment(string StoreId, string TransactionId, string TenantId, int ClusterId);

/// <summary>
/// A basket cluster described in readable units: a row of <c>scout.platinum_basket_cluster_profiles</c>. The averages
/// and shares are over the cluster's transactions (the cluster's centroid in raw units, not in the scaled space).
/// </summary>
public sealed record BasketClusterProfile
{
    /// <summary>The tenant.</summary>
    public required string TenantId { get; init; }

    /// <summary>1-based; clusters are numbered by descending size, then descending sales.</summary>
    public required int ClusterId { get; init; }

    /// <summary>A short generated description, e.g. <c>big basket, evening, gcash</c>.</summary>
    public required string Label { get; init; }

    /// <summary>Transactions in the cluster.</summary>
    public long Transactions { get; init; }

    /// <summary>The cluster's share of the tenant's transactions (4 decimals; the tenant's shares add up to exactly 1).</summary>
    public decimal TransactionShare { get; init; }

    /// <summary>Net sales of the cluster's transactions.</summary>
    public decimal Sales { get; init; }

    /// <summary>The cluster's share of the tenant's net sales (4 decimals; adds up to exactly 1 when the tenant sold anything).</summary>
    public decimal SalesShare { get; init; }

    /// <summary>Average net peso value per transaction (2 decimals).</summary>
    public decimal AvgPesoValue { get; init; }

    /// <summary>Average items (Σ quantities) per transaction (2 decimals).</summary>
    public decimal AvgItems { get; init; }

    /// <summary>Share of the cluster's line amounts in <c>beverages</c> (4 decimals; the six category shares add up to 1 when there were lines).</summary>
    public decimal BeveragesShare { get; init; }

    /// <summary>Share of line amounts in <c>snacks</c>.</summary>
    public decimal SnacksShare { get; init; }

    /// <summary>Share of line amounts in <c>personal_care</c>.</summary>
    public decimal PersonalCareShare { get; init; }

    /// <summary>Share of line amounts in <c>household</c>.</summary>
    public decimal HouseholdShare { get; init; }

    /// <summary>Share of line amounts in <c>tobacco</c>.</summary>
    public decimal TobaccoShare { get; init; }

    /// <summary>Share of line amounts in <c>other</c> (and lines with no or an unknown category).</summary>
    public decimal OtherCategoryShare { get; init; }

    /// <summary>The leading categories with their shares, e.g. <c>snacks 62%, beverages 21%</c>; <c>none</c> without lines.</summary>
    public required string DominantCategories { get; init; }

    /// <summary>The circular mean of the Philippine local time of day, in hours 0..24 (1 decimal).</summary>
    public decimal TypicalHour { get; init; }

    /// <summary>Share of the cluster's transactions paid in cash (4 decimals; transactions naming no method count in none of the five).</summary>
    public decimal CashShare { get; init; }

    /// <summary>Share paid with GCash.</summary>
    public decimal GcashShare { get; init; }

    /// <summary>Share paid with Maya.</summary>
    public decimal MayaShare { get; init; }

    /// <summary>Share paid by card.</summary>
    public decimal CardShare { get; init; }

    /// <summary>Share paid by another method.</summary>
    public decimal OtherPaymentShare { get; init; }

    /// <summary>Share of the cluster's transactions that name a campaign (4 decimals).</summary>
    public decimal CampaignShare { get; init; }

    /// <summary>The newest date in silver when the clusters were fitted.</summary>
    public DateOnly AsOfDate { get; init; }
}

/// <summary>A customer's segment: RFM together with their usual basket cluster; a row of <c>scout.platinum_customer_segments</c>.</summary>
/// <param name="CustomerId">The customer (pseudonym).</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="RfmSegment">The RFM segment (see <see cref="CustomerRfm.Segment"/>).</param>
/// <param name="BasketCluster">The customer's modal basket cluster in the tenant (ties: the lower cluster id).</param>
/// <param name="BasketLabel">That cluster's label.</param>
/// <param name="BasketShare">Share of the customer's transactions in that cluster (4 decimals).</param>
/// <param name="Segment">The combined segment, <c>{rfm}/c{cluster}</c>, e.g. <c>champions/c2</c>.</param>
/// <param name="AsOfDate">The newest date in silver.</param>
public sealed record CustomerSegment(
    string CustomerId, string TenantId, string RfmSegment, int BasketCluster, string BasketLabel, decimal BasketShare, string Segment, DateOnly AsOfDate);

/// <summary>The k-means model fitted for one tenant, in the scaled feature space (for inspection and tests).</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Transactions">Transactions clustered.</param>
/// <param name="ClusterCount">The k used (after dropping clusters left empty).</param>
/// <param name="Silhouettes">The silhouette of each candidate k when k was chosen by silhouette; empty when it was configured.</param>
/// <param name="Means">Per feature (see <see cref="BasketClustering.FeatureNames"/>), the mean subtracted before scaling.</param>
/// <param name="Scales">Per feature, the standard deviation divided by (1 where it was 0).</param>
/// <param name="Centroids">Per cluster id (index 0 = cluster 1), the centroid in the scaled space.</param>
public sealed record BasketClusterModel(
    string TenantId, int Transactions, int ClusterCount, IReadOnlyDictionary<int, double> Silhouettes,
    IReadOnlyList<double> Means, IReadOnlyList<double> Scales, IReadOnlyList<IReadOnlyList<float>> Centroids);

/// <summary>What <see cref="BasketClustering.Run"/> produced: assignments, profiles, customer segments and the models.</summary>
/// <param name="Assignments">Each transaction's cluster, ordered by store and transaction id.</param>
/// <param name="Profiles">Each cluster's profile, ordered by tenant and cluster id.</param>
/// <param name="CustomerSegments">Each RFM customer's segment, ordered by customer id.</param>
/// <param name="Models">The model of each tenant, ordered by tenant.</param>
public sealed record BasketClusteringResult(
    IReadOnlyList<BasketAssignment> Assignments,
    IReadOnlyList<BasketClusterProfile> Profiles,
    IReadOnlyList<CustomerSegment> CustomerSegments,
    IReadOnlyList<BasketClusterModel> Models);
