using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Lakehouse.Medallion;

namespace Lakehouse.Benchmarks.Medallion;

/// <summary>
/// Basket clustering of 1 M transactions (features, z-scores, Microsoft.ML k-means, assignment, profiles): with k fixed,
/// and with k chosen by silhouette (2..8 fitted on a 20 000-transaction sample, silhouette on 2 000) then fitted on all.
/// One cold iteration each: a fit of 1 M rows takes seconds.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 1)]
public class BasketClusteringBenchmarks
{
    private List<SilverTransaction> _silver = null!;

    [Params(1_000_000)]
    public int Transactions { get; set; }

    [GlobalSetup]
    public void Setup() => _silver = BasketCorpus.Generate(Transactions);

    [Benchmark]
    public int FixedK5() => BasketClustering.Run(_silver, options: new BasketClusteringOptions { ClusterCount = 5 }).Profiles.Count;

    [Benchmark]
    public int SilhouetteK2To8() => BasketClustering.Run(_silver).Profiles.Count;
}
