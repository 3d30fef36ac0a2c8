using BenchmarkDotNet.Attributes;
using Lakehouse.Medallion;

namespace Lakehouse.Benchmarks.Medallion;

/// <summary>
/// Bronze → silver → gold → platinum in memory: the whole path (parse, rules, aggregation, one snapshot with basket
/// clusters), the same without the snapshot, and a second snapshot with no new input (reused, not refitted).
/// </summary>
[MemoryDiagnoser]
public class InMemoryMedallionBenchmarks
{
    private List<BronzeRow> _rows = null!;
    private InMemoryMedallion _processed = null!;

    /// <summary>Transactions per operation.</summary>
    [Params(100_000)]
    public int Transactions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rows = BronzeRows.Generate(Transactions);
        _processed = new InMemoryMedallion(BronzeRows.Resolve, BronzeRows.Options());
        _processed.Process(_rows);
        _processed.Snapshot();
    }

    [Benchmark]
    public int BronzeToPlatinum()
    {
        var engine = new InMemoryMedallion(BronzeRows.Resolve, BronzeRows.Options());
        engine.Process(_rows);
        return engine.Snapshot().GoldDaily.Count;
    }

    /// <summary>Bronze → silver → gold only (no snapshot, so no platinum and no clustering).</summary>
    [Benchmark]
    public long BronzeToGold()
    {
        var engine = new InMemoryMedallion(BronzeRows.Resolve, BronzeRows.Options());
        return engine.Process(_rows).SilverInserted;
    }

    /// <summary>Another snapshot of an engine that has had no input since its last one.</summary>
    [Benchmark]
    public int SnapshotWithoutNewInput() => _processed.Snapshot().GoldDaily.Count;
}

/// <summary>
/// Silver's event parse alone over the same bronze rows: the span reader silver uses against the <c>JsonDocument</c>
/// parse it replaced (the baseline, still the reference it falls back to for malformed events).
/// </summary>
[MemoryDiagnoser]
public class SilverEventParseBenchmarks
{
    private List<BronzeRow> _rows = null!;

    /// <summary>Events per operation.</summary>
    [Params(100_000)]
    public int Transactions { get; set; }

    [GlobalSetup]
    public void Setup() => _rows = BronzeRows.Generate(Transactions);

    [Benchmark(Baseline = true)]
    public int JsonDocumentParse()
    {
        int items = 0;
        foreach (BronzeRow row in _rows)
        {
            items += EventFields.TryParse(row.Raw, out EventFields? e, out _) ? e!.Items.Count : 0;
        }

        return items;
    }

    [Benchmark]
    public int SpanReader()
    {
        var reader = new EventReader();
        int items = 0;
        foreach (BronzeRow row in _rows)
        {
            items += reader.TryRead(row.Raw, row.StoreId, out _) ? reader.Event.ItemCount : 0;
        }

        return items;
    }
}
