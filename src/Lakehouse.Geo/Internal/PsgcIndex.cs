using System.IO.Compression;

namespace Lakehouse.Geo;

internal sealed record RegionRow(string Code, string Name, string ShortName);

internal sealed record ProvinceRow(string Code, string Name, int Region);

/// <summary>
/// A city, municipality or (for Manila) sub-municipality. <see cref="Target"/> is the LGU an answer reports (Manila for its
/// sub-municipalities). <see cref="FormerRegion"/> is the region its 9-digit correspondence code still names when the place
/// has since moved (Negros to NIR, Sulu to IX, Cotabato City to BARMM), else -1.
/// </summary>
internal sealed record CityRow(string Code, string Name, int Region, int GeoProvince, int Target, bool IsSubMunicipality, int FormerRegion = -1);

/// <summary>The embedded PSGC tables and the lookup keys built from them; built once, read-only afterwards.</summary>
internal sealed class PsgcIndex
{
    private static readonly Lazy<PsgcIndex> s_instance = new(static () => new PsgcIndex());
    private readonly Lazy<Dictionary<string, int[]>> _barangays;

    private PsgcIndex()
    {
        var regionRows = new List<RegionRow>();
        var regionByCorrespondence = new Dictionary<string, int>(StringComparer.Ordinal);
        var regionByCode = new Dictionary<string, int>(StringComparer.Ordinal);
        RegionKeys = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string[] r in Csv.Read(Open("regions.csv")))
        {
            int idx = regionRows.Count;
            regionRows.Add(new RegionRow(r[0], r[1], r[3]));
            regionByCode[r[0]] = idx;
            if (r[10].Length >= 2)
            {
                regionByCorrespondence[r[10][..2]] = idx;
            }
            foreach (string label in (string[])[r[1], r[2], r[3], r[6], .. r[8].Split('|'), .. r[9].Split('|')])
            {
                AddUnique(RegionKeys, PlaceText.Key(label), idx);
            }

            if (r[5].Length > 0)
            {
                RegionNumbers[r[5].ToUpperInvariant()] = idx;
            }
        }

        foreach ((string label, string code) in ShortForms.RegionExtras)
        {
            AddUnique(RegionKeys, PlaceText.Key(label), regionByCode[code]);
        }

        RegionNumbers["4B"] = regionByCode["1700000000"];
        RegionNumbers["18"] = regionByCode["1800000000"];
        Regions = [.. regionRows];

        var provinceRows = new List<ProvinceRow>();
        var provinceByCode = new Dictionary<string, int>(StringComparer.Ordinal);
        var provinceKeys = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        foreach (string[] p in Csv.Read(Open("provinces.csv")))
        {
            int idx = provinceRows.Count;
            provinceRows.Add(new ProvinceRow(p[0], p[1], regionByCode[p[2]]));
            provinceByCode[p[0]] = idx;
            foreach (string label in (string[])[p[1], .. p[4].Split('|', StringSplitOptions.RemoveEmptyEntries)])
            {
                string[] tokens = PlaceText.Tokens(label);
                AddMany(provinceKeys, string.Concat(tokens), idx);
                string[] noDel = [.. tokens.Where(static t => t is not ("del" or "de"))];
                AddMany(provinceKeys, string.Concat(noDel), idx);
                if (tokens.Length == 2 && tokens[0] is "occidental" or "oriental" or "northern" or "southern" or "eastern" or "western" or "north" or "south")
                {
                    AddMany(provinceKeys, tokens[1] + tokens[0], idx);
                }

                if (tokens.Length == 2 && tokens[1] is "occidental" or "oriental")
                {
                    AddMany(provinceKeys, tokens[1] + tokens[0], idx);
                }

                if (tokens[0] == "zamboanga")
                {
                    AddMany(provinceKeys, "zambo" + string.Concat(noDel.Skip(1)), idx);
                }
            }
        }

        foreach ((string label, string[] codes) in ShortForms.ProvinceExtras)
        {
            foreach (string code in codes)
            {
                AddMany(provinceKeys, PlaceText.Key(label), provinceByCode[code]);
            }
        }

        Provinces = [.. provinceRows];
        ProvinceKeys = provinceKeys.ToDictionary(static kv => kv.Key, static kv => kv.Value.Order().ToArray(), StringComparer.Ordinal);
        NcrKeys = new HashSet<string>(ShortForms.NcrAsProvince.Select(PlaceText.Key), StringComparer.Ordinal);

        var cityRows = new List<CityRow>();
        string[][] cityLines = [.. Csv.Read(Open("citymun.csv"))];
        var cityByCode = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < cityLines.Length; i++)
        {
            cityByCode[cityLines[i][0]] = i;
        }

        var cityKeys = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        var oldKeys = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        for (int i = 0; i < cityLines.Length; i++)
        {
            string[] c = cityLines[i];
            bool sub = c[3] == "SubMun";
            int target = sub ? cityByCode[c[9]] : i;
            int geo = c[8].Length > 0 ? provinceByCode[c[8]] : -1;
            int region = regionByCode[c[6]];
            int former = c[10].Length >= 2 && regionByCorrespondence.TryGetValue(c[10][..2], out int was) && was != region ? was : -1;
            cityRows.Add(new CityRow(c[0], c[1], region, geo, target, sub, former));
            // "Tondo I/II" names both districts, so the bare "Tondo" means it too (unlike "Tagoloan II", a place of its own).
            int numerals = c[1].IndexOf(" I/", StringComparison.Ordinal);
            foreach (string label in (string[])[c[1], c[2], numerals > 0 ? c[1][..numerals] : c[1]])
            {
                foreach (string key in CityKeyVariants(PlaceText.Tokens(label)))
                {
                    AddMany(cityKeys, key, target);
                }
            }

            foreach (string old in c[11].Split('|', StringSplitOptions.RemoveEmptyEntries))
            {
                foreach (string key in CityKeyVariants(PlaceText.Tokens(old)))
                {
                    AddMany(oldKeys, key, target);
                }
            }
        }

        Cities = [.. cityRows];
        CityByCode = cityByCode;
        ManilaIndex = cityByCode["1380600000"];
        foreach ((string label, string code) in ShortForms.CityShortForms)
        {
            string key = PlaceText.Key(label);
            int idx = cityByCode[code];
            // Rule 4: a short form that is also the name of other places (Bacolod, Lanao del Norte) stays ambiguous; only
            // names PSA does not carry pick one place.
            if (!cityKeys.TryGetValue(key, out HashSet<int>? existing))
            {
                AddMany(cityKeys, key, idx);
                PreferredCity[key] = idx;
            }
            else if (existing.Count == 1 && existing.Contains(idx))
            {
                PreferredCity[key] = idx;
            }
        }

        CityKeys = cityKeys.ToDictionary(static kv => kv.Key, static kv => kv.Value.Order().ToArray(), StringComparer.Ordinal);
        OldCityKeys = oldKeys.ToDictionary(static kv => kv.Key, static kv => kv.Value.Order().ToArray(), StringComparer.Ordinal);
        CityKeyList = [.. CityKeys.Keys.Where(static k => k.Length >= 4)];
        int longest = CityKeyList.Max(static k => k.Length);
        CityKeysByLength = new string[longest + 1][];
        for (int length = 0; length <= longest; length++)
        {
            CityKeysByLength[length] = [.. CityKeyList.Where(k => k.Length == length)];
        }

        // The keys naming at least one place in a province (or NCR): fuzzy matching inside a typed province scans only these.
        var byProvince = new Dictionary<int, List<string>>();
        var ncrKeys = new List<string>();
        int ncr = RegionKeys["ncr"];
        foreach (string key in CityKeyList)
        {
            foreach (int geo in CityKeys[key].Select(c => Cities[c].GeoProvince).Distinct())
            {
                if (geo >= 0)
                {
                    if (!byProvince.TryGetValue(geo, out List<string>? list))
                    {
                        byProvince[geo] = list = [];
                    }

                    list.Add(key);
                }
            }

            if (CityKeys[key].Any(c => Cities[c].Region == ncr))
            {
                ncrKeys.Add(key);
            }
        }

        CityKeysByProvince = byProvince.ToDictionary(static kv => kv.Key, static kv => kv.Value.ToArray());

        // Symmetric-delete index: every key and each of its one-letter deletions → the keys. Two texts one edit apart
        // (OSA: insert, delete, substitute, adjacent swap) always share the key itself or one such deletion.
        var deletions = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (string key in CityKeyList)
        {
            AddDeletion(deletions, key, key);
            for (int i = 0; i < key.Length; i++)
            {
                AddDeletion(deletions, key.Remove(i, 1), key);
            }
        }

        CityKeyDeletions = deletions.ToDictionary(static kv => kv.Key, static kv => kv.Value.ToArray(), StringComparer.Ordinal);
        CityKeyDeletionLookup = CityKeyDeletions.GetAlternateLookup<ReadOnlySpan<char>>();
        NcrCityKeys = [.. ncrKeys];
        ProvinceKeyList = [.. ProvinceKeys.Keys];
        RegionKeyList = [.. RegionKeys.Keys];
        CityLookup = CityKeys.GetAlternateLookup<ReadOnlySpan<char>>();
        ProvinceLookup = ProvinceKeys.GetAlternateLookup<ReadOnlySpan<char>>();
        RegionLookup = RegionKeys.GetAlternateLookup<ReadOnlySpan<char>>();
        _barangays = new Lazy<Dictionary<string, int[]>>(() => LoadBarangays(cityByCode));
    }

    public static PsgcIndex Instance => s_instance.Value;

    public RegionRow[] Regions { get; }

    public ProvinceRow[] Provinces { get; }

    public CityRow[] Cities { get; }

    public int ManilaIndex { get; }

    /// <summary>City/municipality code → its index in <see cref="Cities"/>.</summary>
    public Dictionary<string, int> CityByCode { get; }

    /// <summary>Opens an embedded data file.</summary>
    public static Stream OpenData(string name) => Open(name);

    public Dictionary<string, int> RegionKeys { get; }

    public Dictionary<string, int> RegionNumbers { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int[]> ProvinceKeys { get; }

    public HashSet<string> NcrKeys { get; }

    public Dictionary<string, int[]> CityKeys { get; }

    public Dictionary<string, int[]> OldCityKeys { get; }

    public Dictionary<string, int> PreferredCity { get; } = new(StringComparer.Ordinal);

    public string[] CityKeyList { get; }

    /// <summary><see cref="CityKeyList"/> by key length.</summary>
    public string[][] CityKeysByLength { get; }

    /// <summary>Geographic province → the city keys naming at least one place in it.</summary>
    public Dictionary<int, string[]> CityKeysByProvince { get; }

    /// <summary>Each city key and its one-letter deletions → the city keys (for one-edit look-ups without a scan).</summary>
    public Dictionary<string, string[]> CityKeyDeletions { get; }

    /// <summary><see cref="CityKeyDeletions"/> looked up by span.</summary>
    public Dictionary<string, string[]>.AlternateLookup<ReadOnlySpan<char>> CityKeyDeletionLookup { get; }

    /// <summary>The city keys naming at least one place in NCR.</summary>
    public string[] NcrCityKeys { get; }

    public string[] ProvinceKeyList { get; }

    public string[] RegionKeyList { get; }

    public Dictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> CityLookup { get; }

    public Dictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> ProvinceLookup { get; }

    public Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> RegionLookup { get; }

    /// <summary>Barangay key → the LGUs (targets) that have a barangay of that name; loaded on first use.</summary>
    public Dictionary<string, int[]> Barangays => _barangays.Value;

    /// <summary>Keys for a city name: as written, without <c>City of</c>/<c>City</c>, without single letters and <c>Sr./Jr.</c>.</summary>
    public static IEnumerable<string> CityKeyVariants(string[] tokens)
    {
        if (tokens.Length == 0)
        {
            yield break;
        }

        yield return string.Concat(tokens);
        string[] core = CityCore(tokens);
        yield return string.Concat(core);
        // Middle initials and Sr./Jr. may be left out; a roman numeral may not ("Tagoloan II" is not "Tagoloan").
        string[] trimmed = [.. core.Where(static t => (t.Length > 1 || t == "i") && t is not ("sr" or "jr"))];
        if (trimmed.Length > 0)
        {
            yield return string.Concat(trimmed);
        }
    }

    /// <summary>Drops <c>… city of</c> in front and <c>city</c> at the end.</summary>
    public static string[] CityCore(string[] tokens)
    {
        int of = Array.IndexOf(tokens, "of");
        if (of > 0 && tokens[of - 1] == "city" && of < tokens.Length - 1)
        {
            return tokens[(of + 1)..];
        }

        if (tokens.Length > 1 && tokens[^1] == "city")
        {
            return tokens[..^1];
        }

        return tokens;
    }

    private Dictionary<string, int[]> LoadBarangays(Dictionary<string, int> cityByCode)
    {
        var map = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        using var gzip = new GZipStream(Open("barangays.csv.gz"), CompressionMode.Decompress);
        foreach (string[] b in Csv.Read(gzip))
        {
            if (!cityByCode.TryGetValue(b[2], out int city))
            {
                continue;
            }

            int target = Cities[city].Target;
            string[] tokens = PlaceText.Tokens(b[1]);
            AddMany(map, string.Concat(tokens), target);
            if (tokens.Length > 1 && tokens[0] == "barangay")
            {
                AddMany(map, string.Concat(tokens[1..]), target);
            }
        }

        return map.ToDictionary(static kv => kv.Key, static kv => kv.Value.ToArray(), StringComparer.Ordinal);
    }

    private static Stream Open(string name) =>
        typeof(PsgcIndex).Assembly.GetManifestResourceStream("Lakehouse.Geo.Data." + name)
        ?? throw new InvalidOperationException("Embedded PSGC resource missing: " + name);

    private static void AddDeletion(Dictionary<string, HashSet<string>> map, string variant, string key)
    {
        if (!map.TryGetValue(variant, out HashSet<string>? set))
        {
            map[variant] = set = [];
        }

        set.Add(key);
    }

    private static void AddUnique(Dictionary<string, int> map, string key, int value)
    {
        if (key.Length > 0)
        {
            map.TryAdd(key, value);
        }
    }

    private static void AddMany(Dictionary<string, HashSet<int>> map, string key, int value)
    {
        if (key.Length == 0)
        {
            return;
        }

        if (!map.TryGetValue(key, out HashSet<int>? set))
        {
            map[key] = set = [];
        }

        set.Add(value);
    }
}

/// <summary>Minimal RFC 4180 reader for the embedded tables (header skipped).</summary>
internal static class Csv
{
    public static IEnumerable<string[]> Read(Stream stream)
    {
        using var reader = new StreamReader(stream);
        _ = reader.ReadLine();
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            fields.Clear();
            field.Clear();
            bool quoted = false;
            for (int i = 0; i < line.Length; i++)
            {
                char c = line[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else if (c == '"')
                    {
                        quoted = false;
                    }
                    else
                    {
                        field.Append(c);
                    }
                }
                else if (c == '"')
                {
                    quoted = true;
                }
                else if (c == ',')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                }
                else
                {
                    field.Append(c);
                }
            }

            fields.Add(field.ToString());
            yield return [.. fields];
        }
    }
}
