using NetTopologySuite.Features;
using NetTopologySuite.Geometries;

namespace Lakehouse.Geo;

/// <summary>
/// One boundary polygon with its PSGC properties, as read from a boundary GeoJSON file
/// (see <see cref="PhilippineBoundaries"/> for the files shipped with this package).
/// </summary>
/// <remarks>Instances are immutable in intent: do not modify <see cref="Geometry"/>; it is shared by every reader.</remarks>
public sealed class BoundaryFeature
{
    internal BoundaryFeature(
        string key,
        string? psgcCode,
        string name,
        string kind,
        string? regionCode,
        string? provinceCode,
        IReadOnlyList<string> covers,
        string? shortName,
        string? islandGroup,
        string? note,
        MultiPolygon geometry)
    {
        Key = key;
        PsgcCode = psgcCode;
        Name = name;
        Kind = kind;
        RegionCode = regionCode;
        ProvinceCode = provinceCode;
        Covers = covers;
        ShortName = shortName;
        IslandGroup = islandGroup;
        Note = note;
        Geometry = geometry;
    }

    /// <summary>
    /// The feature's unique key in its set: <see cref="PsgcCode"/> when set; for a composite the covered codes
    /// joined with <c>+</c> (<c>1102400000+1108600000</c>); <c>unassigned</c> for the minor-islands feature.
    /// </summary>
    public string Key { get; }

    /// <summary>The PSGC code of the unit this polygon is (10 digits), or <see langword="null"/> for composites and unassigned land.</summary>
    public string? PsgcCode { get; }

    /// <summary>The PSGC name (for a composite, the names joined with <c>" + "</c>).</summary>
    public string Name { get; }

    /// <summary>
    /// <c>region</c> for region features; for the province level <c>province</c>, <c>province-composite</c>, <c>huc</c>,
    /// <c>icc</c>, <c>city</c>, <c>municipality</c> or <c>unassigned</c>.
    /// </summary>
    public string Kind { get; }

    /// <summary>The PSGC code of the region the unit is in (for a region feature, its own code); <see langword="null"/> when unassigned.</summary>
    public string? RegionCode { get; }

    /// <summary>
    /// The roll-up key of a by-province map: the province itself, or for an independent city the province it lies in;
    /// <see langword="null"/> for regions, NCR units, composites and unassigned land.
    /// </summary>
    public string? ProvinceCode { get; }

    /// <summary>The PSGC codes whose territory the polygon holds (one, except for composites; none when unassigned).</summary>
    public IReadOnlyList<string> Covers { get; }

    /// <summary>A region's short name (<c>NCR</c>, <c>Region IV-A</c>); <see langword="null"/> at the province level.</summary>
    public string? ShortName { get; }

    /// <summary>A region's island group (<c>Luzon</c>, <c>Visayas</c>, <c>Mindanao</c>); <see langword="null"/> at the province level.</summary>
    public string? IslandGroup { get; }

    /// <summary>Why the feature is special, or <see langword="null"/>.</summary>
    public string? Note { get; }

    /// <summary>The polygon(s), WGS 84 longitude/latitude, SRID 4326.</summary>
    public MultiPolygon Geometry { get; }

    /// <summary>
    /// The feature as a NetTopologySuite <see cref="Feature"/> with the properties <c>psgc_code</c>, <c>name</c>,
    /// <c>kind</c>, <c>region_code</c>, <c>province_code</c> and <c>covers</c> (plus <c>short_name</c> and
    /// <c>island_group</c> for regions); the geometry is shared, not copied.
    /// </summary>
    /// <returns>A new feature; its <c>key</c> attribute is <see cref="Key"/>.</returns>
    public Feature ToFeature()
    {
        var attributes = new AttributesTable
        {
            { "key", Key },
            { "psgc_code", PsgcCode },
            { "name", Name },
            { "kind", Kind },
            { "region_code", RegionCode },
            { "province_code", ProvinceCode },
            { "covers", Covers.ToArray() },
        };
        if (ShortName is not null)
        {
            attributes.Add("short_name", ShortName);
        }

        if (IslandGroup is not null)
        {
            attributes.Add("island_group", IslandGroup);
        }

        return new Feature(Geometry, attributes);
    }

    internal BoundaryFeature WithGeometry(MultiPolygon geometry) =>
        new(Key, PsgcCode, Name, Kind, RegionCode, ProvinceCode, Covers, ShortName, IslandGroup, Note, geometry);

    /// <inheritdoc />
    public override string ToString() => $"{Key} {Name} ({Kind})";
}
