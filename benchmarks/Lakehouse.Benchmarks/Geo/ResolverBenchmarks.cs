using BenchmarkDotNet.Attributes;
using Lakehouse.Geo;

namespace Lakehouse.Benchmarks.Geo;

/// <summary>
/// PsgcResolver against a straightforward baseline: an upper-cased dictionary of official names, then an edit-distance
/// scan over every name when that misses. Exact = a known city with its province; fuzzy = one typing error.
/// </summary>
[MemoryDiagnoser]
public class ResolverBenchmarks
{
    private PsgcResolver _cached = null!;
    private PsgcResolver _uncached = null!;
    private Dictionary<string, string> _baseline = null!;
    private string[] _baselineNames = null!;

    [GlobalSetup]
    public void Setup()
    {
        _cached = new PsgcResolver(new GeoOptions { CacheSize = 1000 });
        _uncached = new PsgcResolver(new GeoOptions { CacheSize = 0 });
        _ = _cached.Resolve(null, "Pampanga", "City of San Fernando");
        _ = _cached.Resolve(null, "Pangasinan", "Dagupn");
        _baseline = new Dictionary<string, string>(StringComparer.Ordinal);
        // The baseline's table: every PSGC city/municipality name, upper-cased.
        using var stream = typeof(PsgcResolver).Assembly.GetManifestResourceStream("Lakehouse.Geo.Data.citymun.csv")!;
        using var reader = new StreamReader(stream);
        _ = reader.ReadLine();
        while (reader.ReadLine() is { } line)
        {
            string[] f = line.Split(',');
            _baseline[f[1].ToUpperInvariant()] = f[0];
        }

        _baselineNames = [.. _baseline.Keys];
    }

    [Benchmark(Baseline = true)]
    public string? Baseline_exact() => BaselineResolve("City of San Fernando");

    [Benchmark]
    public string? Baseline_fuzzy() => BaselineResolve("City of Dagupn");

    [Benchmark]
    public string? Resolver_exact_cached() => _cached.Resolve(null, "Pampanga", "City of San Fernando").CityMunicipalityCode;

    [Benchmark]
    public string? Resolver_exact_uncached() => _uncached.Resolve(null, "Pampanga", "City of San Fernando").CityMunicipalityCode;

    [Benchmark]
    public string? Resolver_exact_span() => _uncached.Resolve([], "Pampanga".AsSpan(), "Angeles City".AsSpan()).CityMunicipalityCode;

    [Benchmark]
    public string? Resolver_fuzzy_cached() => _cached.Resolve(null, "Pangasinan", "Dagupn").CityMunicipalityCode;

    [Benchmark]
    public string? Resolver_fuzzy_uncached() => _uncached.Resolve(null, "Pangasinan", "Dagupn").CityMunicipalityCode;

    private string? BaselineResolve(string name)
    {
        string key = name.Trim().ToUpperInvariant();
        if (_baseline.TryGetValue(key, out string? code))
        {
            return code;
        }

        string? found = null;
        foreach (string candidate in _baselineNames)
        {
            if (Levenshtein(key, candidate) <= 1)
            {
                if (found is not null)
                {
                    return null;
                }

                found = _baseline[candidate];
            }
        }

        return found;
    }

    private static int Levenshtein(string a, string b)
    {
        int[] prev = new int[b.Length + 1];
        int[] cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            prev[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                cur[j] = Math.Min(Math.Min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (prev, cur) = (cur, prev);
        }

        return prev[b.Length];
    }
}
