
namespace Lakehouse.Geo;

/// <summary>
/// The Philippine boundary polygons shipped inside this package, keyed by PSGC code: 18 regions and 120 province-level
/// features (provinces, province composites, independent cities, Pateros, minor islands). Small-scale geometry
/// (Natural Earth 1:10m, public domain): right for national and regional choropleths, not for street-level
/// point-in-polygon or area measurement. Each set is parsed once, on first use.
/// </summary>
/// <remarks>
/// Provenance, licence and the matching rules are in the package's <c>boundaries/README.md</c> (also
/// <see cref="ReadMe"/>). Credit, as a courtesy: <see cref="Credit"/>.
/// </remarks>
public static class PhilippineBoundaries
{
    /// <summary>The courtesy credit line for maps drawn from these polygons.</summary>
    public const string Credit = "Boundaries: Natural Earth";

    private const string ResourcePrefix = "Lakehouse.Geo.Data.boundaries.";

    private static readonly Lazy<BoundarySet> s_regions = new(static () => LoadEmbedded("ph-regions.geojson", BoundaryLevel.Region));
    private static readonly Lazy<BoundarySet> s_provinces = new(static () => LoadEmbedded("ph-provinces.geojson", BoundaryLevel.Province));

    /// <summary>The 18 regions, keyed by region PSGC code (<c>1300000000</c> = NCR), each a MultiPolygon in SRID 4326.</summary>
    public static BoundarySet Regions => s_regions.Value;

    /// <summary>
    /// The 120 province-level features: 76 provinces, 3 province composites (keyed by their covered codes joined with
    /// <c>+</c>), 33 HUCs, 5 ICCs, the City of Isabela, Pateros and the <c>unassigned</c> minor islands.
    /// Province polygons have these cities cut out; colour a city by its <see cref="BoundaryFeature.ProvinceCode"/>
    /// to roll it up into its province.
    /// </summary>
    public static BoundarySet Provinces => s_provinces.Value;

    /// <summary>The README that documents the polygons' source, licence and properties (Markdown).</summary>
    public static string ReadMe
    {
        get
        {
            using Stream stream = OpenResource("README.md");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    /// <summary>The polygons of one level.</summary>
    /// <param name="level">Which level.</param>
    /// <returns><see cref="Regions"/> or <see cref="Provinces"/>.</returns>
    public static BoundarySet For(BoundaryLevel level) => level switch
    {
        BoundaryLevel.Region => Regions,
        BoundaryLevel.Province => Provinces,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown boundary level."),
    };

    private static BoundarySet LoadEmbedded(string file, BoundaryLevel level)
    {
        using Stream stream = OpenResource(file);
        return BoundarySet.Load(stream, level);
    }

    private static Stream OpenResource(string file) =>
        typeof(PhilippineBoundaries).Assembly.GetManifestResourceStream(ResourcePrefix + file)
        ?? throw new InvalidOperationException($"The embedded resource {ResourcePrefix}{file} is missing from {typeof(PhilippineBoundaries).Assembly.GetName().Name}.");
}
