using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace Lakehouse.Geo;

/// <summary>
/// In-memory point-in-polygon lookup over a <see cref="BoundarySet"/>: which feature's polygon holds a
/// longitude/latitude. An STR-tree over the polygons' bounding boxes picks the candidates; each candidate answers
/// through an <see cref="IndexedPointInAreaLocator"/> (an interval index over its edges), so a lookup costs a few
/// tree nodes plus O(log edges) per candidate instead of a scan over every vertex. Thread-safe once constructed.
/// </summary>
/// <remarks>
/// <para>
/// Semantics are those of PostGIS <c>ST_Covers(polygon, point)</c>: a point on a polygon's boundary is in it.
/// A point on a border two features share is therefore in both; <see cref="Locate"/> then answers the one with the
/// smallest <see cref="BoundaryFeature.Key"/> (ordinal), so the answer is deterministic, and
/// <see cref="LocateAll"/> answers both. A point in the sea, outside every polygon, is in none.
/// </para>
/// <para>The shipped polygons are 1:10m scale: near coasts and borders the answer is only as good as that (about a kilometre).</para>
/// </remarks>
public sealed class BoundaryIndex
{
    private readonly STRtree<Entry> _tree;
    private readonly Entry[] _entries;

    /// <summary>Builds the index over every feature of <paramref name="boundaries"/>.</summary>
    /// <param name="boundaries">The polygons, e.g. <see cref="PhilippineBoundaries.Provinces"/>.</param>
    public BoundaryIndex(BoundarySet boundaries)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        Boundaries = boundaries;
        _entries = boundaries
            .OrderBy(static f => f.Key, StringComparer.Ordinal)
            .Select(static (f, i) => new Entry(f, i))
            .ToArray();
        _tree = new STRtree<Entry>();
        foreach (Entry entry in _entries)
        {
            // Each polygon is its own tree item so that a province's far-off islands do not widen its box.
            for (int i = 0; i < entry.Feature.Geometry.NumGeometries; i++)
            {
                _tree.Insert(entry.Feature.Geometry.GetGeometryN(i).EnvelopeInternal, entry);
            }
        }

        _tree.Build();
    }

    /// <summary>The features this index answers with.</summary>
    public BoundarySet Boundaries { get; }

    /// <summary>The feature whose polygon covers the point, or <see langword="null"/> when none does.</summary>
    /// <param name="longitude">WGS 84 longitude, degrees east.</param>
    /// <param name="latitude">WGS 84 latitude, degrees north.</param>
    /// <returns>The covering feature; on a shared border, the one with the smallest key.</returns>
    public BoundaryFeature? Locate(double longitude, double latitude)
    {
        var coordinate = new Coordinate(longitude, latitude);
        Entry? best = null;
        foreach (Entry entry in _tree.Query(new Envelope(coordinate)))
        {
            if ((best is null || entry.Order < best.Order) && entry.Covers(coordinate))
            {
                best = entry;
            }
        }

        return best?.Feature;
    }

    /// <summary>Every feature whose polygon covers the point (two or more only on shared borders), ordered by key.</summary>
    /// <param name="longitude">WGS 84 longitude, degrees east.</param>
    /// <param name="latitude">WGS 84 latitude, degrees north.</param>
    /// <returns>The covering features; empty when none.</returns>
    public IReadOnlyList<BoundaryFeature> LocateAll(double longitude, double latitude)
    {
        var coordinate = new Coordinate(longitude, latitude);
        var found = new List<Entry>(2);
        foreach (Entry entry in _tree.Query(new Envelope(coordinate)))
        {
            if (!found.Contains(entry) && entry.Covers(coordinate))
            {
                found.Add(entry);
            }
        }

        found.Sort(static (a, b) => a.Order.CompareTo(b.Order));
        return found.ConvertAll(static e => e.Feature);
    }

    /// <summary>The same answer as <see cref="Locate"/> by testing every polygon in turn (the benchmark's baseline).</summary>
    internal BoundaryFeature? LocateByScan(double longitude, double latitude)
    {
        Point point = GeoJsonGeometry.Factory.CreatePoint(new Coordinate(longitude, latitude));
        foreach (Entry entry in _entries)
        {
            if (entry.Feature.Geometry.Covers(point))
            {
                return entry.Feature;
            }
        }

        return null;
    }

    private sealed class Entry
    {
        private readonly IndexedPointInAreaLocator _locator;

        public Entry(BoundaryFeature feature, int order)
        {
            Feature = feature;
            Order = order;
            _locator = new IndexedPointInAreaLocator(feature.Geometry);

            // The locator builds its edge index on first use; do it now so that lookups from several threads only read.
            _locator.Locate(feature.Geometry.EnvelopeInternal.Centre);
        }

        public BoundaryFeature Feature { get; }

        public int Order { get; }

        public bool Covers(Coordinate coordinate) => _locator.Locate(coordinate) != Location.Exterior;
    }
}
