using System.IO.Compression;

namespace Lakehouse.Geo;

internal sealed record BarangayRow(string Code, string Name, int City, bool IsPoblacion);

/// <summary>Barangays per city/municipality (Manila's through its sub-municipalities), keyed for messy typing; built on first use.</summary>
internal sealed class BarangayIndex
{
    private static readonly Lazy<BarangayIndex> s_instance = new(static () => new BarangayIndex());

    private BarangayIndex()
    {
        PsgcIndex index = PsgcIndex.Instance;
        var rows = new List<BarangayRow>();
        var exact = new Dictionary<(int, string), List<int>>();
        var loose = new Dictionary<(int, string), List<int>>();
        var poblacion = new Dictionary<int, List<int>>();
        var keysByCity = new Dictionary<int, List<string>>();
        using var gzip = new GZipStream(PsgcIndex.OpenData("barangays.csv.gz"), CompressionMode.Decompress);
        foreach (string[] b in Csv.Read(gzip))
        {
            if (!index.CityByCode.TryGetValue(b[2], out int city))
            {
                continue;
            }

            int target = index.Cities[city].Target;
            int id = rows.Count;
            rows.Add(new BarangayRow(b[0], b[1], target, b[6] == "true"));
            string[] tokens = Tokens(b[1]);
            Add(exact, (target, string.Concat(tokens)), id);
            foreach (string key in LooseKeys(tokens))
            {
                Add(loose, (target, key), id);
                if (!keysByCity.TryGetValue(target, out List<string>? list))
                {
                    keysByCity[target] = list = [];
                }

                list.Add(key);
            }

            if (b[6] == "true")
            {
                if (!poblacion.TryGetValue(target, out List<int>? p))
                {
                    poblacion[target] = p = [];
                }

                p.Add(id);
            }
        }

        Rows = [.. rows];
        Exact = exact.ToDictionary(static kv => kv.Key, static kv => kv.Value.Distinct().ToArray());
        Loose = loose.ToDictionary(static kv => kv.Key, static kv => kv.Value.Distinct().ToArray());
        Poblacion = poblacion.ToDictionary(static kv => kv.Key, static kv => kv.Value.ToArray());
        KeysByCity = keysByCity.ToDictionary(static kv => kv.Key, static kv => kv.Value.Distinct().ToArray());
    }

    public static BarangayIndex Instance => s_instance.Value;

    public BarangayRow[] Rows { get; }

    /// <summary>(city, key of the whole name) → barangays.</summary>
    public Dictionary<(int City, string Key), int[]> Exact { get; }

    /// <summary>(city, key without "Barangay", "Pob.", "No.") → barangays.</summary>
    public Dictionary<(int City, string Key), int[]> Loose { get; }

    /// <summary>City → barangays PSA flags as poblacion (town centre).</summary>
    public Dictionary<int, int[]> Poblacion { get; }

    /// <summary>City → its loose keys (for one-typo correction).</summary>
    public Dictionary<int, string[]> KeysByCity { get; }

    /// <summary>Normalized tokens with <c>Pob.</c> spelled out and roman numerals as digits (<c>Zone IV</c> = <c>Zone 4</c>).</summary>
    public static string[] Tokens(string? text) =>
        [.. PlaceText.Tokens(text).Select(static t => t switch
        {
            "pob" or "pobl" => "poblacion",
            "bo" or "barrio" => "barangay",
            _ => Roman(t) is int n and > 0 ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : t,
        })];

    /// <summary>Keys without the words a barangay name may or may not carry: Barangay, Poblacion, No.</summary>
    public static IEnumerable<string> LooseKeys(string[] tokens)
    {
        string[] noBarangay = tokens.Length > 1 && tokens[0] == "barangay" ? tokens[1..] : tokens;
        yield return string.Concat(noBarangay);
        string[] bare = [.. noBarangay.Where(static t => t is not ("poblacion" or "no" or "number" or "barangay"))];
        if (bare.Length > 0)
        {
            yield return string.Concat(bare);
        }
    }

    private static int Roman(string t)
    {
        if (t.Length == 0 || t.Length > 5 || !t.All(static c => c is 'i' or 'v' or 'x'))
        {
            return 0;
        }

        int total = 0;
        for (int i = 0; i < t.Length; i++)
        {
            int v = t[i] switch { 'i' => 1, 'v' => 5, _ => 10 };
            int next = i + 1 < t.Length ? t[i + 1] switch { 'i' => 1, 'v' => 5, _ => 10 } : 0;
            total += v < next ? -v : v;
        }

        return total is > 0 and <= 40 ? total : 0;
    }

    private static void Add(Dictionary<(int, string), List<int>> map, (int, string) key, int value)
    {
        if (key.Item2.Length == 0)
        {
            return;
        }

        if (!map.TryGetValue(key, out List<int>? list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }
}
