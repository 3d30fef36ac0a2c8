using BenchmarkDotNet.Attributes;
using Lakehouse.Medallion;

namespace Lakehouse.Benchmarks.Medallion;

/// <summary>Bronze → silver → gold → platinum in memory, whole path (parse, rules, aggregation, snapshot).</summary>
[MemoryDiagnoser]
public class InMemoryMedallionBenchmarks
{
    private List<BronzeRow> _rows = null!;

    /// <summary>Transactions per operation.</summary>
    [Params(100_000)]
    public int Transactions { get; set; }

    [GlobalSetup]
    public void Setup() => _rows = BronzeRows.Generate(Transactions);

    [Benchmark]
    public int BronzeToPlatinum()
    {
        var engine = new InMemoryMedallion(BronzeRows.Resolve, BronzeRows.Options());
        engine.Process(_rows);
        return engine.Snapshot().GoldDaily.Count;
    }
}
