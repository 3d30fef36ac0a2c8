using Lakehouse.Geo;

namespace Lakehouse.Medallion;

/// <summary>Adapts Lakehouse.Geo's <see cref="PsgcResolver"/> to the silver transform's <see cref="PlaceResolver"/>.</summary>
public static class PsgcPlaceResolver
{
    /// <summary>A place resolver answering with <paramref name="resolver"/>; the status is kept in snake_case.</summary>
    /// <param name="resolver">The PSGC resolver (thread-safe; one per process is enough).</param>
    /// <returns>The delegate for <see cref="InMemoryMedallion"/> and <see cref="MedallionRunner"/>.</returns>
    public static PlaceResolver Create(PsgcResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        return (region, province, city) =>
        {
            PlaceResolution answer = resolver.Resolve(region, province, city);
            return new PlaceAnswer(ToStatus(answer.Status), answer.RegionCode, answer.ProvinceCode, answer.CityMunicipalityCode);
        };
    }

    private static string ToStatus(PlaceMatchStatus status) => status switch
    {
        PlaceMatchStatus.Exact => "exact",
        PlaceMatchStatus.Fuzzy => "fuzzy",
        PlaceMatchStatus.Ambiguous => "ambiguous",
        PlaceMatchStatus.Conflict => "conflict",
        _ => "not_found",
    };
}
