namespace Lakehouse.Geo;

/// <summary>How a typed place was answered. The status describes the most specific place that was typed.</summary>
public enum PlaceMatchStatus
{
    /// <summary>Every typed name was recognised as written (case, accents, punctuation, abbreviations and known short forms aside).</summary>
    Exact,

    /// <summary>Recognised after correcting one typing error, or by inference (a barangay name pointing to one city); <see cref="PlaceResolution.Confidence"/> is below 1.</summary>
    Fuzzy,

    /// <summary>The most specific typed name fits several places; the levels they share are still answered and <see cref="PlaceResolution.Candidates"/> lists them.</summary>
    Ambiguous,

    /// <summary>The typed city does not lie in the typed province; nothing is answered at any level, as which field is wrong cannot be known.</summary>
    Conflict,

    /// <summary>The most specific typed name is unknown (or nothing usable was typed); the levels above it that were certain are still answered.</summary>
    NotFound,
}

/// <summary>The deepest level an answer reaches.</summary>
public enum PlaceLevel
{
    /// <summary>No place.</summary>
    None,

    /// <summary>A region.</summary>
    Region,

    /// <summary>A province (or, for NCR, the region stands in for it).</summary>
    Province,

    /// <summary>A city or municipality.</summary>
    CityMunicipality,

    /// <summary>A barangay (only when one was typed, see <see cref="PsgcResolver.Resolve(string?, string?, string?, string?)"/>).</summary>
    Barangay,
}

/// <summary>One place a typed name could mean.</summary>
/// <param name="Level">Whether the candidate is a province, a city/municipality or a barangay.</param>
/// <param name="Code">Its 10-digit PSGC code.</param>
/// <param name="Name">Its PSA name.</param>
/// <param name="ProvinceCode">The geographic province it lies in (null for NCR and for provinces themselves); for a barangay, its city/municipality's code.</param>
/// <param name="RegionCode">Its region's code.</param>
/// <param name="RegionName">Its region's name.</param>
public sealed record PlaceCandidate(PlaceLevel Level, string Code, string Name, string? ProvinceCode, string RegionCode, string RegionName);

/// <summary>The answer of <see cref="PsgcResolver.Resolve(string?, string?, string?)"/>: PSGC codes and official names as far as they are certain.</summary>
/// <param name="Status">What kind of answer this is.</param>
/// <param name="RegionCode">10-digit region code, or null.</param>
/// <param name="RegionName">Region name as PSA gives it (e.g. <c>Central Luzon</c>), or null.</param>
/// <param name="ProvinceCode">The geographic province (<c>geo_province_code</c>): the province around a highly urbanized city; null for NCR and when not certain.</param>
/// <param name="ProvinceName">The province's PSA name, or null.</param>
/// <param name="CityMunicipalityCode">10-digit city/municipality code, or null. Manila's sub-municipalities answer with the City of Manila.</param>
/// <param name="CityMunicipalityName">The city/municipality's PSA name, or null.</param>
/// <param name="Confidence">How sure the returned codes are, 0..1 (0 when nothing is returned).</param>
/// <param name="Reason">Why something is missing, ambiguous or corrected; null for a plain exact answer.</param>
/// <param name="Candidates">For <see cref="PlaceMatchStatus.Ambiguous"/>: the places the name could mean; otherwise empty.</param>
public sealed record PlaceResolution(
    PlaceMatchStatus Status,
    string? RegionCode,
    string? RegionName,
    string? ProvinceCode,
    string? ProvinceName,
    string? CityMunicipalityCode,
    string? CityMunicipalityName,
    double Confidence,
    string? Reason,
    IReadOnlyList<PlaceCandidate> Candidates)
{
    /// <summary>10-digit barangay code, or null. Set only by the overload that takes a barangay, inside a resolved city/municipality.</summary>
    public string? BarangayCode { get; init; }

    /// <summary>The barangay's PSA name, or null.</summary>
    public string? BarangayName { get; init; }

    /// <summary>The deepest level answered.</summary>
    public PlaceLevel Level =>
        BarangayCode is not null ? PlaceLevel.Barangay
        : CityMunicipalityCode is not null ? PlaceLevel.CityMunicipality
        : ProvinceCode is not null ? PlaceLevel.Province
        : RegionCode is not null ? PlaceLevel.Region
        : PlaceLevel.None;
}
