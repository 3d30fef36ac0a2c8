using System.Collections.Concurrent;
using System.Globalization;

namespace Lakehouse.Geo;

/// <summary>
/// Resolves messy, hand-typed Philippine place names (region, province, city/municipality) to PSGC codes and official
/// names, by the rules in the package README: the typed region is advisory, the typed province constrains the city,
/// the answer goes as far as is certain and no further, and every "nothing" carries a reason. Thread-safe; create one
/// and share it (the embedded reference data is loaded once, on first use).
/// </summary>
public sealed partial class PsgcResolver
{
    /// <summary>The PSGC release embedded in this package.</summary>
    public const string PsgcVersion = "PSGC 4Q 2025 (as of 31 December 2025)";

    private const int StackLimit = 512;
    private readonly int _cacheSize;
    private readonly int _maxEdits;
    private readonly int _minFuzzyLength;
    private readonly bool _useBarangays;
    private readonly ConcurrentDictionary<(string, string, string), PlaceResolution>? _cache;

    /// <summary>Creates a resolver with default <see cref="GeoOptions"/>.</summary>
    public PsgcResolver()
        : this(new GeoOptions())
    {
    }

    /// <summary>Creates a resolver with the given options.</summary>
    /// <param name="options">Cache size and fuzzy-matching settings.</param>
    public PsgcResolver(GeoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.CacheSize);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxEditDistance);
        _cacheSize = options.CacheSize;
        _maxEdits = options.MaxEditDistance;
        _minFuzzyLength = options.MinFuzzyLength;
        _useBarangays = options.UseBarangays;
        if (_cacheSize > 0)
        {
            _cache = new ConcurrentDictionary<(string, string, string), PlaceResolution>();
        }
    }

    private static PsgcIndex Index => PsgcIndex.Instance;

    /// <summary>Resolves one typed place. Any field may be null or empty.</summary>
    /// <param name="region">The region as typed (advisory: only breaks ties).</param>
    /// <param name="province">The province as typed (constrains the city).</param>
    /// <param name="city">The city or municipality as typed; may carry a barangay, street or province around it.</param>
    /// <returns>The answer; never null.</returns>
    public PlaceResolution Resolve(string? region, string? province, string? city)
    {
        if (_cache is null)
        {
            return Resolve(region.AsSpan(), province.AsSpan(), city.AsSpan());
        }

        var key = (region ?? "", province ?? "", city ?? "");
        if (_cache.TryGetValue(key, out PlaceResolution? cached))
        {
            return cached;
        }

        PlaceResolution result = TryExact(region, province, city) ?? Slow(region, province, city);
        if (_cache.Count >= _cacheSize)
        {
            _cache.Clear();
        }

        _cache[key] = result;
        return result;
    }

    /// <summary>Resolves one typed place given as character spans (not cached).</summary>
    /// <param name="region">The region as typed.</param>
    /// <param name="province">The province as typed.</param>
    /// <param name="city">The city or municipality as typed.</param>
    /// <returns>The answer; never null.</returns>
    public PlaceResolution Resolve(ReadOnlySpan<char> region, ReadOnlySpan<char> province, ReadOnlySpan<char> city) =>
        TryExact(region, province, city) ?? Slow(region.ToString(), province.ToString(), city.ToString());

    /// <summary>The allocation-free path: every typed field is a known key and the city is unique and consistent.</summary>
    private static PlaceResolution? TryExact(ReadOnlySpan<char> region, ReadOnlySpan<char> province, ReadOnlySpan<char> city)
    {
        if (city.IsEmpty || city.Length > StackLimit / 4 || province.Length > StackLimit / 4 || region.Length > StackLimit / 4)
        {
            return null;
        }

        PsgcIndex index = Index;
        Span<char> buffer = stackalloc char[StackLimit];
        Span<char> key = stackalloc char[StackLimit];
        int n = PlaceText.Compact(buffer[..PlaceText.Normalize(city, buffer)], key);
        if (n == 0 || !index.CityLookup.TryGetValue(key[..n], out int[]? cities) || index.ProvinceLookup.ContainsKey(key[..n]))
        {
            return null;
        }

        int regionIndex = -1;
        if (!region.IsEmpty)
        {
            n = PlaceText.Compact(buffer[..PlaceText.Normalize(region, buffer)], key);
            if (n > 0 && !index.RegionLookup.TryGetValue(key[..n], out regionIndex))
            {
                return null;
            }
        }

        int[]? provinces = null;
        bool ncr = false;
        if (!province.IsEmpty)
        {
            n = PlaceText.Compact(buffer[..PlaceText.Normalize(province, buffer)], key);
            if (n > 0 && !index.ProvinceLookup.TryGetValue(key[..n], out provinces))
            {
                ncr = index.NcrKeys.GetAlternateLookup<ReadOnlySpan<char>>().Contains(key[..n]);
                if (!ncr)
                {
                    return null;
                }
            }
        }

        int chosen = -1;
        foreach (int c in cities)
        {
            CityRow candidate = index.Cities[c];
            bool inside = provinces is not null ? Array.IndexOf(provinces, candidate.GeoProvince) >= 0
                : !ncr || candidate.GeoProvince < 0;
            if (inside)
            {
                if (chosen >= 0)
                {
                    return null;
                }

                chosen = c;
            }
        }

        if (chosen < 0 || (cities.Length > 1 && provinces is null && !ncr))
        {
            return null;
        }

        CityRow row = index.Cities[chosen];
        return CityAnswer(row, PlaceMatchStatus.Exact, 1.0, regionIndex >= 0 && regionIndex != row.Region ? StaleRegion(regionIndex, row.Region) : null);
    }

    private static PlaceResolution CityAnswer(CityRow row, PlaceMatchStatus status, double confidence, string? reason)
    {
        PsgcIndex index = Index;
        CityRow target = index.Cities[row.Target];
        RegionRow region = index.Regions[target.Region];
        ProvinceRow? province = target.GeoProvince >= 0 ? index.Provinces[target.GeoProvince] : null;
        return new PlaceResolution(status, region.Code, region.Name, province?.Code, province?.Name, target.Code, target.Name, confidence, reason, []);
    }

    private static string StaleRegion(int typed, int actual) =>
        string.Create(CultureInfo.InvariantCulture, $"typed region {Index.Regions[typed].ShortName} ignored: the place is in {Index.Regions[actual].ShortName}");
}
