using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Lakehouse.Geo;

/// <summary>Settings of <see cref="PsgcResolver"/>.</summary>
public sealed class GeoOptions
{
    /// <summary>How many distinct (region, province, city) inputs are remembered; the cache is cleared when full. 0 turns caching off. Default 10,000.</summary>
    [Range(0, 10_000_000)]
    public int CacheSize { get; set; } = 10_000;

    /// <summary>Typing errors tolerated (Damerau–Levenshtein distance) when exactly one place is that close. 0 turns fuzzy matching off. Default 1.</summary>
    [Range(0, 2)]
    public int MaxEditDistance { get; set; } = 1;

    /// <summary>Shortest name (letters and digits, spaces removed) that may be matched fuzzily. Default 5.</summary>
    [Range(3, 64)]
    public int MinFuzzyLength { get; set; } = 5;

    /// <summary>Whether a city field holding only a barangay name may be answered with the one city of the typed province that has a barangay of that name. Default true.</summary>
    public bool UseBarangays { get; set; } = true;
}

/// <summary>Validates <see cref="GeoOptions"/> (source-generated).</summary>
[OptionsValidator]
public sealed partial class GeoOptionsValidator : IValidateOptions<GeoOptions>
{
}
