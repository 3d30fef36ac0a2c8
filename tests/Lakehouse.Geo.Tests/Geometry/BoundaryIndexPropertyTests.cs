using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Lakehouse.Geo.Tests.Geometry;

public sealed class BoundaryIndexPropertyTests
{
    private static readonly BoundaryIndex s_provinces = new(PhilippineBoundaries.Provinces);

    [Property(MaxTest = 2000)]
    public Property Locate_any_point_in_the_country_box_equals_a_scan_of_every_polygon(NormalFloat x, NormalFloat y)
    {
        // Spread FsCheck's doubles over the box, with a margin of sea around it.
        double lon = 116 + (Math.Abs(x.Get) % 11);
        double lat = 4 + (Math.Abs(y.Get) % 18);

        string? indexed = s_provinces.Locate(lon, lat)?.Key;
        string? scanned = s_provinces.LocateByScan(lon, lat)?.Key;
        IReadOnlyList<BoundaryFeature> all = s_provinces.LocateAll(lon, lat);

        return (indexed == scanned && indexed == (all.Count == 0 ? null : all[0].Key)).Label($"({lon:R}, {lat:R}): {indexed} vs {scanned}");
    }

    [Fact]
    public void Locate_from_many_threads_gives_the_sequential_answers()
    {
        var random = new Random(7);
        (double Lon, double Lat)[] points = Enumerable.Range(0, 20_000).Select(_ => (116.9 + (random.NextDouble() * 9.7), 4.6 + (random.NextDouble() * 16.5))).ToArray();
        var fresh = new BoundaryIndex(PhilippineBoundaries.Regions);
        string?[] parallel = new string?[points.Length];

        Parallel.For(0, points.Length, i => parallel[i] = fresh.Locate(points[i].Lon, points[i].Lat)?.Key);

        var reference = new BoundaryIndex(PhilippineBoundaries.Regions);
        string?[] sequential = points.Select(p => reference.Locate(p.Lon, p.Lat)?.Key).ToArray();
        Assert.Equal(sequential, parallel);
        Assert.Contains(parallel, k => k is not null);
    }
}
