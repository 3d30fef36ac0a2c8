namespace Lakehouse.Geo;

/// <summary>Which administrative level a set of boundary polygons draws.</summary>
public enum BoundaryLevel
{
    /// <summary>The 18 regions (ADM1): one polygon per region, keyed by the region's PSGC code.</summary>
    Region = 1,

    /// <summary>
    /// Provinces and the cities drawn apart from them (ADM2): provinces, province composites, highly urbanized and
    /// independent component cities, the City of Isabela, Pateros and an unassigned "minor islands" feature.
    /// </summary>
    Province = 2,
}
