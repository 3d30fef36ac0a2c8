namespace Lakehouse.Medallion;

/// <summary>How platinum's basket segments are fitted (k-means over per-transaction features); part of <see cref="MedallionOptions"/>.</summary>
public sealed class BasketClusteringOptions
{
    /// <summary>Whether the medallion engines compute basket segments at all.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>A fixed number of clusters; <see langword="null"/> chooses k by silhouette between <see cref="MinClusters"/> and <see cref="MaxClusters"/>.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public int? ClusterCount { get; set; }

    /// <summary>The smallest k tried when <see cref="ClusterCount"/> is not set.</summary>
    /// <value>Default 2.</value>
    public int MinClusters { get; set; } = 2;

    /// <summary>The largest k tried when <see cref="ClusterCount"/> is not set.</summary>
    /// <value>Default 8.</value>
    public int MaxClusters { get; set; } = 8;

    /// <summary>The seed of k-means' initialisation and of every sample: the same input and seed give the same clusters.</summary>
    /// <value>Default 42.</value>
    public int Seed { get; set; } = 42;

    /// <summary>Transactions (a fixed-seed sample) each candidate k is fitted on while choosing k; the chosen k is then fitted on all.</summary>
    /// <value>Default 20 000.</value>
    public int SelectionSampleSize { get; set; } = 20_000;

    /// <summary>Points of that sample the silhouette is measured on (its cost grows with the square of this).</summary>
    /// <value>Default 2 000.</value>
    public int SilhouetteSampleSize { get; set; } = 2_000;

    /// <summary>The most k-means iterations of one fit.</summary>
    /// <value>Default 100.</value>
    public int MaxIterations { get; set; } = 100;
}
