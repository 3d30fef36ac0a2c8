using System.Collections;
using System.Text.Json;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.Simplify;

namespace Lakehouse.Geo;

/// <summary>
/// An ordered, read-only set of <see cref="BoundaryFeature"/>s of one <see cref="BoundaryLevel"/>, looked up by key,
/// PSGC code or name. Get the shipped ones from <see cref="PhilippineBoundaries"/>, or read your own GeoJSON with
/// <see cref="Load(Stream, BoundaryLevel)"/>. Thread-safe for reading.
/// </summary>
public sealed class BoundarySet : IReadOnlyList<BoundaryFeature>
{
    private readonly BoundaryFeature[] _features;
    private readonly Dictionary<string, BoundaryFeature> _byKey;

    internal BoundarySet(BoundaryLevel level, IEnumerable<BoundaryFeature> features)
    {
        Level = level;
        _features = features.ToArray();
        _byKey = new Dictionary<string, BoundaryFeature>(_features.Length, StringComparer.Ordinal);
        foreach (BoundaryFeature feature in _features)
        {
            if (!_byKey.TryAdd(feature.Key, feature))
            {
                throw new InvalidDataException($"Two boundary features share the key '{feature.Key}'.");
            }
        }
    }

    /// <summary>The administrative level the polygons draw.</summary>
    public BoundaryLevel Level { get; }

    /// <inheritdoc />
    public int Count => _features.Length;

    /// <inheritdoc />
    public BoundaryFeature this[int index] => _features[index];

    /// <summary>The bounding box of every polygon (longitude = X, latitude = Y); empty when the set is.</summary>
    public Envelope Extent
    {
        get
        {
            var envelope = new Envelope();
            foreach (BoundaryFeature feature in _features)
            {
                envelope.ExpandToInclude(feature.Geometry.EnvelopeInternal);
            }

            return envelope;
        }
    }

    /// <summary>Finds a feature by its <see cref="BoundaryFeature.Key"/> (the PSGC code for every feature that has one).</summary>
    /// <param name="key">The key, e.g. <c>0702200000</c> (Cebu).</param>
    /// <param name="feature">The feature, when found.</param>
    /// <returns>Whether the key is in the set.</returns>
    public bool TryGetFeature(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out BoundaryFeature? feature)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _byKey.TryGetValue(key, out feature);
    }

    /// <summary>
    /// Reads a GeoJSON FeatureCollection of polygons with PSGC properties: <c>psgc_code</c> (or the feature's
    /// <c>id</c>), <c>name</c> (required), and optionally <c>kind</c>, <c>region_code</c>, <c>province_code</c>,
    /// <c>covers</c>, <c>short_name</c>, <c>island_group</c> and <c>note</c>, as in the files this package ships.
    /// Coordinates are taken as WGS 84 longitude/latitude (SRID 4326), as RFC 7946 requires.
    /// </summary>
    /// <param name="utf8GeoJson">The GeoJSON, UTF-8; read to the end, not disposed.</param>
    /// <param name="level">The level the polygons draw.</param>
    /// <returns>The features in file order.</returns>
    /// <exception cref="InvalidDataException">The file is not a FeatureCollection of polygons, a feature has no name or no code, or two share a key.</exception>
    public static BoundarySet Load(Stream utf8GeoJson, BoundaryLevel level)
    {
        ArgumentNullException.ThrowIfNull(utf8GeoJson);
        using JsonDocument document = JsonDocument.Parse(utf8GeoJson);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("features", out JsonElement features) || features.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException("The GeoJSON is not a FeatureCollection (no \"features\" array).");
        }

        var list = new List<BoundaryFeature>(features.GetArrayLength());
        int index = 0;
        foreach (JsonElement feature in features.EnumerateArray())
        {
            list.Add(ReadFeature(feature, level, index++));
        }

        return new BoundarySet(level, list);
    }

    /// <summary>A new set holding the features that match <paramref name="predicate"/>, in the same order.</summary>
    /// <param name="predicate">Which features to keep.</param>
    /// <returns>The subset (sharing the geometries).</returns>
    public BoundarySet Where(Func<BoundaryFeature, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new BoundarySet(Level, _features.Where(predicate));
    }

    /// <summary>
    /// A new set with every polygon simplified by NetTopologySuite's <see cref="TopologyPreservingSimplifier"/>:
    /// each result is valid, keeps its rings and holes and none of its rings cross. Borders shared by two features
    /// are simplified independently, so they may part by up to <paramref name="tolerance"/>.
    /// </summary>
    /// <param name="tolerance">The distance tolerance in degrees (0.01° ≈ 1.1 km); 0 returns the same geometries.</param>
    /// <returns>The simplified set.</returns>
    public BoundarySet Simplify(double tolerance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tolerance);
        if (tolerance == 0)
        {
            return this;
        }

        return new BoundarySet(Level, _features.Select(f => f.WithGeometry(SimplifyGeometry(f.Geometry, tolerance))));
    }

    internal static MultiPolygon SimplifyGeometry(MultiPolygon geometry, double tolerance) =>
        GeoJsonGeometry.ToMultiPolygon(TopologyPreservingSimplifier.Simplify(geometry, tolerance), "A simplified polygon");

    /// <summary>The set as a NetTopologySuite <see cref="FeatureCollection"/> (see <see cref="BoundaryFeature.ToFeature"/>).</summary>
    /// <returns>A new collection sharing the geometries.</returns>
    public FeatureCollection ToFeatureCollection()
    {
        var collection = new FeatureCollection();
        foreach (BoundaryFeature feature in _features)
        {
            collection.Add(feature.ToFeature());
        }

        return collection;
    }

    /// <inheritdoc />
    public IEnumerator<BoundaryFeature> GetEnumerator() => ((IEnumerable<BoundaryFeature>)_features).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static BoundaryFeature ReadFeature(JsonElement feature, BoundaryLevel level, int index)
    {
        if (feature.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"Feature #{index} is not an object.");
        }

        JsonElement properties = feature.TryGetProperty("properties", out JsonElement p) && p.ValueKind == JsonValueKind.Object ? p : default;
        string? code = String(properties, "psgc_code") ?? (feature.TryGetProperty("id", out JsonElement id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null);
        string name = String(properties, "name") ?? throw new InvalidDataException($"Feature #{index} has no \"name\" property.");
        string kind = String(properties, "kind") ?? (level == BoundaryLevel.Region ? "region" : "province");
        string[] covers = properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty("covers", out JsonElement c) && c.ValueKind == JsonValueKind.Array
            ? c.EnumerateArray().Where(static e => e.ValueKind == JsonValueKind.String).Select(static e => e.GetString()!).ToArray()
            : code is null ? [] : [code];
        string key = code
            ?? (covers.Length > 0 ? string.Join('+', covers) : kind == "unassigned" ? "unassigned" : throw new InvalidDataException($"Feature #{index} ('{name}') has neither a psgc_code nor covers."));
        string? regionCode = String(properties, "region_code") ?? (level == BoundaryLevel.Region ? code : null);
        string? provinceCode = level == BoundaryLevel.Region ? null : String(properties, "province_code");

        if (!feature.TryGetProperty("geometry", out JsonElement geometryElement) || geometryElement.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"Feature #{index} ('{name}') has no geometry.");
        }

        MultiPolygon geometry = GeoJsonGeometry.ToMultiPolygon(GeoJsonGeometry.Read(geometryElement), $"Feature #{index} ('{name}')");
        return new BoundaryFeature(
            key, code, name, kind, regionCode, provinceCode, covers,
            String(properties, "short_name"), String(properties, "island_group"), String(properties, "note"), geometry);
    }

    private static string? String(JsonElement properties, string name) =>
        properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
