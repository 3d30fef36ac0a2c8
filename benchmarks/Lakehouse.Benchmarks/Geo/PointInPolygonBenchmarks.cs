using BenchmarkDotNet.Attributes;
using Lakehouse.Geo;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;

namespace Lakehouse.Benchmarks.Geo;

/// <summary>
/// Which province holds a point: <see cref="BoundaryIndex"/> (STR-tree + indexed point-in-area locators) against
/// scanning all 120 province polygons with <c>Geometry.Covers</c> (what one writes first) and with prepared geometries.
/// Points are uniform over the country's bounding box (about one in six falls on land), fixed seed; results are per lookup.
/// </summary>
[MemoryDiagnoser]
public class PointInPolygonBenchmarks
{
    private const int Points = 4096;
    private BoundaryIndex _index = null!;
    private IPreparedGeometry[] _prepared = null!;
    private BoundaryFeature[] _features = null!;
    private Point[] _points = null!;

    [GlobalSetup]
    public void Setup()
    {
        BoundarySet provinces = PhilippineBoundaries.Provinces;
        _index = new BoundaryIndex(provinces);
        _features = provinces.ToArray();
        _prepared = _features.Select(f => PreparedGeometryFactory.Prepare(f.Geometry)).ToArray();
        var random = new Random(42);
        Envelope box = provinces.Extent;
        var factory = new GeometryFactory(new PrecisionModel(), 4326);
        _points = Enumerable.Range(0, Points)
            .Select(_ => factory.CreatePoint(new Coordinate(box.MinX + (random.NextDouble() * box.Width), box.MinY + (random.NextDouble() * box.Height))))
            .ToArray();

        // Warm the prepared geometries' lazily built indexes so the first invocation is not special.
        foreach (IPreparedGeometry prepared in _prepared)
        {
            prepared.Covers(_points[0]);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Points)]
    public int LinearScanCovers()
    {
        int found = 0;
        foreach (Point point in _points)
        {
            if (_index.LocateByScan(point.X, point.Y) is not null)
            {
                found++;
            }
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Points)]
    public int LinearScanPrepared()
    {
        int found = 0;
        foreach (Point point in _points)
        {
            for (int i = 0; i < _prepared.Length; i++)
            {
                if (_prepared[i].Covers(point))
                {
                    found++;
                    break;
                }
            }
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Points)]
    public int BoundaryIndexLocate()
    {
        int found = 0;
        foreach (Point point in _points)
        {
            if (_index.Locate(point.X, point.Y) is not null)
            {
                found++;
            }
        }

        return found;
    }
}
