using System.Globalization;
using System.Text;

namespace Lakehouse.Geo.Tests.Audit;

/// <summary>What an audit case expects: the codes (null = not answered) and the kind of answer.</summary>
internal enum Outcome
{
    Answer,
    Ambiguous,
    NotFound,
    Conflict,
}

internal sealed record Expected(Outcome Outcome, string? Region = null, string? Province = null, string? City = null, string[]? Candidates = null, string? Barangay = null);

/// <summary>One generated input with the answer DESIGN.md's place-resolution rules call for.</summary>
internal sealed record AuditCase(string Rule, string? Region, string? Province, string? City, Expected Expected, string? Barangay = null)
{
    public override string ToString() => $"[{Rule}] ({Region ?? "∅"} | {Province ?? "∅"} | {City ?? "∅"}{(Barangay is null ? "" : " | " + Barangay)})";

    public PlaceResolution Run(PsgcResolver resolver) =>
        Barangay is null ? resolver.Resolve(Region, Province, City) : resolver.Resolve(Region, Province, City, Barangay);
}

/// <summary>
/// Generates resolver inputs from the PSGC tables themselves (every region, province, city and municipality in many
/// spellings) with the answer the five rules of DESIGN.md "Place resolution" call for, computed independently of the
/// resolver's own index. Rules: R1 region advisory / region alone; R2 province constrains; R3 geographic province;
/// R4 as far as certain; R5 matching, nonsense and placeholders.
/// </summary>
internal static class ResolverAudit
{
    private static readonly string DataDir = Path.Combine(AppContext.BaseDirectory, "psgc");

    public static readonly string[] Placeholders =
        ["N/A", "n/a", "NA", "none", "None", "-", "--", ".", "test", "TEST", "unknown", "Unknown", "?", "??", "null", "NULL", "nil", "0", "x", "xxx", "tbd", "—"];

    public static readonly string[] Foreign =
        ["Singapore", "Tokyo", "Dubai", "Hong Kong", "Kuala Lumpur", "Jakarta", "Bangkok", "Seoul", "Los Angeles", "New York", "London", "Sydney", "Riyadh", "Doha", "Taipei", "Toronto"];

    public static readonly string[] Nonsense = ["asdfgh", "qwertyuiop", "zzzzzz", "lorem ipsum", "hjkl", "xyzzy plugh", "foo bar baz", "mnbvcxz"];

    public static readonly string[] IslandGroupsAndSplitRegions =
        ["Luzon", "Visayas", "Mindanao", "Region IV", "Region 4", "Southern Tagalog", "Southern Tagalog Region", "Region 04", "IV", "Visayas Region"];

    public sealed record Region(string Code, string Name, string PsaName, string ShortName, string Roman, string Number, string Acronym, string[] Aliases, string[] Historical);

    public sealed record Province(string Code, string Name, string RegionCode, string[] OldNames);

    public sealed record City(
        string Code, string Name, string CommonName, string Level, bool IsCity, string CityClass, string RegionCode, string GeoProvinceCode,
        string ParentCode, string[] OldNames, string Correspondence = "")
    {
        /// <summary>The region the 9-digit correspondence code still names when the place has moved since, else null.</summary>
        public string? FormerRegion =>
            Correspondence.Length >= 2 && s_regionByCorrespondence.Value.TryGetValue(Correspondence[..2], out string? r) && r != RegionCode ? r : null;

        public string Target(Dictionary<string, City> byCode) => Level == "SubMun" ? ParentCode : Code;
    }

    public static List<Region> Regions { get; } = [.. Rows("regions.csv").Select(r => new Region(r[0], r[1], r[2], r[3], r[4], r[5], r[6], Split(r[8]), Split(r[9])))];

    public static List<Province> Provinces { get; } = [.. Rows("provinces.csv").Select(p => new Province(p[0], p[1], p[2], Split(p[4])))];

    public static List<City> Cities { get; } =
        [.. Rows("citymun.csv").Select(c => new City(c[0], c[1], c[2], c[3], c[4] == "true", c[5], c[6], c[8], c[9], Split(c[11]), c[10]))];

    private static readonly Lazy<Dictionary<string, string>> s_regionByCorrespondence =
        new(() => Rows("regions.csv").Where(r => r[10].Length >= 2).ToDictionary(r => r[10][..2], r => r[0]));

    private static readonly Dictionary<string, City> s_cityByCode = Cities.ToDictionary(c => c.Code);
    private static readonly Dictionary<string, Province> s_provinceByCode = Provinces.ToDictionary(p => p.Code);

    /// <summary>Bare-name key → target codes (Manila for its sub-municipalities).</summary>
    private static readonly Dictionary<string, HashSet<string>> s_bare = BuildBare(cityOnly: false);

    /// <summary>Bare-name key → codes of cities only (for "City of X" / "X City").</summary>
    private static readonly Dictionary<string, HashSet<string>> s_bareCities = BuildBare(cityOnly: true);

    private static readonly HashSet<string> s_provinceKeys = BuildProvinceKeys();

    private static readonly HashSet<string> s_regionKeys =
        [.. Regions.SelectMany(r => (string[])[r.Name, r.PsaName, r.ShortName, r.Acronym, .. r.Aliases, .. r.Historical]).Select(Key).Where(k => k.Length > 0)];

    public static string NcrCode => "1300000000";

    private static string RegionOf(string regionKey) =>
        Regions.First(r => ((string[])[r.Name, r.PsaName, r.ShortName, r.Acronym, .. r.Aliases, .. r.Historical]).Any(l => Key(l) == regionKey)).Code;

    private static string[] Split(string s) => s.Split('|', StringSplitOptions.RemoveEmptyEntries);

    private static IEnumerable<string[]> Rows(string file)
    {
        string path = Path.Combine(DataDir, file);
        IEnumerable<string> lines = File.Exists(path) ? File.ReadAllLines(path) : ReadGzipLines(path + ".gz");
        return lines.Skip(1).Where(l => l.Length > 0).Select(SplitCsv);
    }

    private static string[] SplitCsv(string line)
    {
        if (!line.Contains('"', StringComparison.Ordinal))
        {
            return line.Split(',');
        }

        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '"' && quoted && i + 1 < line.Length && line[i + 1] == '"')
            {
                field.Append('"');
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
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
        return [.. fields];
    }

    private static List<string> ReadGzipLines(string path)
    {
        using var reader = new StreamReader(new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress));
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>Independent folding: accents off, lower case, letters and digits only, common abbreviations expanded.</summary>
    public static string Key(string text)
    {
        string d = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder();
        foreach (string raw in d.Split([' ', '.', '-', ',', '(', ')', '/'], StringSplitOptions.RemoveEmptyEntries))
        {
            var w = new StringBuilder();
            foreach (char c in raw)
            {
                if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
                {
                    continue;
                }

                if (char.IsAsciiLetterOrDigit(c))
                {
                    w.Append(char.ToLowerInvariant(c));
                }
            }

            string word = w.ToString() switch
            {
                "sto" => "santo",
                "sta" => "santa",
                "gen" => "general",
                "pres" => "president",
                "dr" => "doctor",
                "sen" => "senator",
                var x => x,
            };
            sb.Append(word);
        }

        return sb.ToString();
    }

    /// <summary>The name without "City of" / "City".</summary>
    public static string Bare(string name)
    {
        int of = name.IndexOf("City of ", StringComparison.OrdinalIgnoreCase);
        if (of >= 0)
        {
            return name[(of + 8)..];
        }

        return name.EndsWith(" City", StringComparison.OrdinalIgnoreCase) ? name[..^5] : name;
    }

    private static Dictionary<string, HashSet<string>> BuildBare(bool cityOnly)
    {
        var map = new Dictionary<string, HashSet<string>>();
        foreach (City c in Cities)
        {
            if (cityOnly && !c.IsCity)
            {
                continue;
            }

            string target = c.Target(s_cityByCode);
            foreach (string k in (string[])[Key(Bare(c.Name)), Key(Bare(c.CommonName))])
            {
                if (!map.TryGetValue(k, out HashSet<string>? set))
                {
                    map[k] = set = [];
                }

                set.Add(target);
            }
        }

        return map;
    }

    private static HashSet<string> BuildProvinceKeys()
    {
        var keys = new HashSet<string>();
        foreach (Province p in Provinces)
        {
            keys.Add(Key(p.Name));
            keys.Add(Key(p.Name.Replace(" del ", " ", StringComparison.Ordinal).Replace(" de ", " ", StringComparison.Ordinal)));
            foreach (string o in p.OldNames)
            {
                keys.Add(Key(o));
            }
        }

        foreach (string extra in (string[])["maguindanao", "davao", "negros", "mindoro", "agusan", "surigao", "lanao", "zamboanga", "misamis", "ilocos", "camarines", "samar", "leyte", "cotabato", "metromanila", "ncr", "manila"])
        {
            keys.Add(extra);
        }

        return keys;
    }

    /// <summary>The province name to type for a place: its geographic province, or "Metro Manila" for NCR.</summary>
    public static string ProvinceLabel(City c) => c.GeoProvinceCode.Length == 0 ? "Metro Manila" : s_provinceByCode[c.GeoProvinceCode].Name;

    public static Expected CityAnswer(string code)
    {
        City c = s_cityByCode[code];
        return new Expected(Outcome.Answer, c.RegionCode, c.GeoProvinceCode.Length == 0 ? null : c.GeoProvinceCode, c.Code);
    }

    /// <summary>The answer for ambiguous candidates: the levels they all share.</summary>
    public static Expected AmbiguousAnswer(IEnumerable<string> codes)
    {
        City[] cs = [.. codes.Select(c => s_cityByCode[c])];
        string? region = cs.Select(c => c.RegionCode).Distinct().Count() == 1 ? cs[0].RegionCode : null;
        string? province = cs.Select(c => c.GeoProvinceCode).Distinct().Count() == 1 && cs[0].GeoProvinceCode.Length > 0 ? cs[0].GeoProvinceCode : null;
        return new Expected(Outcome.Ambiguous, region, province, null, [.. cs.Select(c => c.Code)]);
    }

    public static IEnumerable<AuditCase> Generate()
    {
        foreach (AuditCase c in RegionCases())
        {
            yield return c;
        }

        foreach (AuditCase c in CityCases())
        {
            yield return c;
        }

        foreach (AuditCase c in NothingCases())
        {
            yield return c;
        }

        foreach (AuditCase c in BarangayCases())
        {
            yield return c;
        }
    }

    /// <summary>Barangays inside their city (every 7th of the table, each city's poblacion, numbered ones), typed in common ways.</summary>
    private static IEnumerable<AuditCase> BarangayCases()
    {
        var rows = Rows("barangays.csv").Select(b => (Code: b[0], Name: b[1], City: s_cityByCode[b[2]].Target(s_cityByCode), Pob: b[6] == "true")).ToList();
        var byCity = rows.GroupBy(b => b.City).ToDictionary(g => g.Key, g => g.ToList());
        static string Loose(string name)
        {
            string k = Key(name.Replace("(Pob.)", "", StringComparison.Ordinal).Replace("Pob.", "", StringComparison.Ordinal));
            return k.StartsWith("barangay", StringComparison.Ordinal) && k.Length > 8 ? k[8..] : k;
        }

        int n = 0;
        foreach (var b in rows)
        {
            n++;
            City city = s_cityByCode[b.City];
            string province = ProvinceLabel(city);
            Expected expected = CityAnswer(city.Code) with { Barangay = b.Code };
            var same = byCity[b.City].Where(x => Loose(x.Name) == Loose(b.Name) || Key(x.Name) == Key(b.Name)).ToList();
            bool numbered = b.Name.Any(char.IsAsciiDigit);
            if (same.Count != 1 || (n % 7 != 0 && !(numbered && n % 3 == 0)))
            {
                continue;
            }

            string plain = b.Name.Replace("(Pob.)", "", StringComparison.Ordinal).Trim();
            string stripped = plain.StartsWith("Barangay ", StringComparison.Ordinal) ? plain[9..] : plain;
            foreach (string typed in (string[])[b.Name, plain.ToUpperInvariant(), StripAccents(plain), "Brgy. " + stripped, "Barangay " + stripped, "bgy " + stripped.ToLowerInvariant()])
            {
                yield return new AuditCase("B-barangay-in-city", null, province, city.Name, expected, typed);
            }
        }

        // "Poblacion" where the city has exactly one barangay that is named or flagged so.
        foreach ((string cityCode, var list) in byCity)
        {
            var pob = list.Where(x => x.Pob || Key(x.Name) == "poblacion").ToList();
            City city = s_cityByCode[cityCode];
            if (pob.Count == 1 && list.Count(x => Key(x.Name).Contains("poblacion", StringComparison.Ordinal)) <= 1)
            {
                yield return new AuditCase("B-poblacion", null, ProvinceLabel(city), city.Name, CityAnswer(city.Code) with { Barangay = pob[0].Code }, "Poblacion");
                yield return new AuditCase("B-poblacion", null, ProvinceLabel(city), city.Name, CityAnswer(city.Code) with { Barangay = pob[0].Code }, "Pob.");
            }

            if (cityCode.EndsWith("000", StringComparison.Ordinal) && list.Count > 3 && cityCode[4..7].Sum(ch => ch) % 5 == 0)
            {
                yield return new AuditCase("B-unknown-keeps-city", null, ProvinceLabel(city), city.Name,
                    CityAnswer(city.Code) with { Outcome = Outcome.NotFound }, "Qxzvillé Bwtk");
            }
        }
    }

    private static IEnumerable<AuditCase> RegionCases()
    {
        string[] roman = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII"];
        foreach (Region r in Regions)
        {
            var labels = new List<string> { r.Name, r.PsaName, r.ShortName, r.Name.ToUpperInvariant(), r.Name.ToLowerInvariant(), "  " + r.Name + "  " };
            labels.AddRange(r.Aliases);
            labels.AddRange(r.Historical);
            if (r.Acronym.Length > 0)
            {
                labels.Add(r.Acronym);
                labels.Add(r.Acronym.ToLowerInvariant());
                labels.Add(r.Acronym + " Region");
            }

            if (r.Number.Length > 0)
            {
                string digits = new([.. r.Number.TakeWhile(char.IsAsciiDigit)]);
                string letter = r.Number[digits.Length..];
                int n = int.Parse(digits, CultureInfo.InvariantCulture);
                string rom = roman[n];
                string padded = n.ToString("00", CultureInfo.InvariantCulture);
                foreach (string sep in letter.Length == 0 ? (string[])[""] : ["", "-", " "])
                {
                    string suf = letter.Length == 0 ? "" : sep + letter;
                    labels.AddRange([
                        $"Region {rom}{suf}", $"Region {n}{suf}", $"Region {padded}{suf}", $"{rom}{suf}", $"{n}{suf}", $"{padded}{suf}",
                        $"R{n}{suf}", $"Reg. {n}{suf}", $"region {rom.ToLowerInvariant()}{suf.ToLowerInvariant()}", $"REGION {rom}{suf}",
                        $"Region {rom}{suf} - {r.Name}", $"Region {n}{suf} ({r.Name})",
                    ]);
                }
            }

            foreach (string label in labels.Distinct())
            {
                yield return new AuditCase("R1-region-alone", label, null, null, new Expected(Outcome.Answer, r.Code));
            }
        }

        foreach (string split in IslandGroupsAndSplitRegions)
        {
            yield return new AuditCase("R1-island-or-split", split, null, null, new Expected(Outcome.NotFound));
        }

        // Provinces alone in common spellings.
        foreach (Province p in Provinces)
        {
            foreach (string label in (string[])[p.Name, p.Name.ToUpperInvariant(), p.Name.ToLowerInvariant(), "Province of " + p.Name, p.Name + " Province", StripAccents(p.Name), "Prov. of " + p.Name, .. p.OldNames])
            {
                yield return new AuditCase("R5-province-spelling", null, label, null, new Expected(Outcome.Answer, p.RegionCode, p.Code));
            }
        }

        // One typing error in a region or province name, alone, when it leaves one of them.
        var typoRng = new Random(7);
        string[] provinceAndRegionKeys = [.. s_provinceKeys, .. s_regionKeys];
        foreach (Region r in Regions)
        {
            foreach (string typo in Typos(Key(r.Name), typoRng))
            {
                if (typo.Length >= 6 && !provinceAndRegionKeys.Contains(typo) && s_regionKeys.Where(k => Osa(k, typo) <= 1).Select(RegionOf).Distinct().Count() == 1
                    && !s_bare.Keys.Any(k => Osa(k, typo) <= 1))
                {
                    yield return new AuditCase("R5-typo-region", typo, null, null, new Expected(Outcome.Answer, s_regionKeys.Where(k => Osa(k, typo) <= 1).Select(RegionOf).First()));
                }
            }
        }

        foreach (Province p in Provinces)
        {
            foreach (string typo in Typos(Key(p.Name), typoRng))
            {
                if (typo.Length >= 6 && !provinceAndRegionKeys.Contains(typo) && Provinces.Count(x => Osa(Key(x.Name), typo) <= 1) == 1
                    && !s_provinceKeys.Any(k => k != Key(p.Name) && Osa(k, typo) <= 1))
                {
                    yield return new AuditCase("R5-typo-province", null, typo, null, new Expected(Outcome.Answer, p.RegionCode, p.Code));
                }
            }
        }

        // A province typed with a stale or wrong region answers the province's real region.
        int i = 0;
        foreach (Province p in Provinces)
        {
            Region other = Regions[(i++ * 7 + 3) % Regions.Count];
            if (other.Code != p.RegionCode)
            {
                yield return new AuditCase("R1-stale-region", other.ShortName, p.Name, null, new Expected(Outcome.Answer, p.RegionCode, p.Code));
            }
        }
    }

    private static IEnumerable<AuditCase> CityCases()
    {
        var rng = new Random(20261123);
        int i = 0;
        foreach (City c in Cities)
        {
            i++;
            if (c.Level == "SubMun")
            {
                continue;
            }

            string province = ProvinceLabel(c);
            string bare = Bare(c.Name);
            string key = Key(bare);
            Expected answer = CityAnswer(c.Code);

            // Cases that hold the city's own province: every spelling must find it.
            string[] spellings =
            [
                c.Name, c.CommonName, bare, bare.ToUpperInvariant(), bare.ToLowerInvariant(), StripAccents(bare), "  " + bare.Replace(" ", "   ", StringComparison.Ordinal) + " ",
                bare.Replace(" ", "", StringComparison.Ordinal) is var joined && joined.Length > 0 && Key(joined) == key ? joined : bare,
                bare + ".", bare.Replace("-", " ", StringComparison.Ordinal), c.IsCity ? "City of " + bare : bare, c.IsCity ? bare + " City" : bare,
                c.IsCity ? (bare + " city").ToUpperInvariant() : bare.ToUpperInvariant(),
            ];
            foreach (string s in spellings.Distinct())
            {
                if (InProvince(Key(Bare(s)), c, s).Count == 1 || s == c.Name)
                {
                    yield return new AuditCase("R5-spelling-in-province", null, province, s, answer);
                }
            }

            // Placeholders around a real place are ignored.
            if (i % 4 == 0)
            {
                yield return new AuditCase("R5-placeholder-around-place", "N/A", province, c.Name, answer);
                HashSet<string> alone = c.Name.Contains("City", StringComparison.Ordinal) && s_bareCities.TryGetValue(key, out HashSet<string>? cs) ? cs : s_bare[key];
                if (!s_provinceKeys.Contains(key) && !s_regionKeys.Contains(key))
                {
                    yield return new AuditCase("R5-placeholder-around-place", "-", "-", c.Name, alone.Count == 1 ? answer : AmbiguousAnswer(alone));
                }
            }

            // Municipalities in the "Municipality of X" form; "Sto."/"Sta." both ways.
            if (!c.IsCity)
            {
                yield return new AuditCase("R5-spelling-in-province", null, province, "Municipality of " + bare, answer);
                yield return new AuditCase("R5-spelling-in-province", null, province, "Mun. of " + bare, answer);
            }

            foreach ((string longForm, string shortForm) in ((string, string)[])[("Santo ", "Sto. "), ("Santa ", "Sta. "), ("Sto. ", "Santo "), ("General ", "Gen. "), ("Gen. ", "General ")])
            {
                if (bare.StartsWith(longForm, StringComparison.Ordinal))
                {
                    yield return new AuditCase("R5-abbreviation", null, province, shortForm + bare[longForm.Length..], answer);
                    yield return new AuditCase("R5-abbreviation", null, province, (shortForm + bare[longForm.Length..]).Replace(". ", ".", StringComparison.Ordinal), answer);
                }
            }

            // R3: HUCs report their geographic province, NCR cities none; typed with the geographic province it is no conflict.
            if (c.CityClass == "HUC" || c.RegionCode == NcrCode)
            {
                yield return new AuditCase("R3-geo-province", null, null, c.Name, answer);
                yield return new AuditCase("R3-geo-province", null, province, c.CommonName, answer);
            }

            // Alone: a unique bare name is the city; a shared one is ambiguous with the shared levels.
            if (!s_provinceKeys.Contains(key) && !s_regionKeys.Contains(key))
            {
                HashSet<string> all = s_bare[key];
                if (all.Count == 1)
                {
                    yield return new AuditCase("R5-unique-alone", null, null, bare, answer);
                }
                else if (c.Code == all.Min())
                {
                    yield return new AuditCase("R4-ambiguous-alone", null, null, bare, AmbiguousAnswer(all));

                    // With a region typed: the region breaks the tie, or the answer stays at the shared levels.
                    foreach (string regionCode in all.Select(x => s_cityByCode[x].RegionCode).Distinct())
                    {
                        string[] inRegion = [.. all.Where(x => s_cityByCode[x].RegionCode == regionCode)];
                        Region r = Regions.First(x => x.Code == regionCode);
                        yield return new AuditCase("R1-region-breaks-tie", r.ShortName, null, bare,
                            inRegion.Length == 1 ? CityAnswer(inRegion[0]) : AmbiguousAnswer(inRegion));
                    }

                    // A stale region none of them is in now, but one of them was in: that one (rule 1, places that moved region).
                    foreach (string formerRegion in all.Select(x => s_cityByCode[x].FormerRegion).OfType<string>().Distinct())
                    {
                        string[] was = [.. all.Where(x => s_cityByCode[x].FormerRegion == formerRegion)];
                        if (!all.Any(x => s_cityByCode[x].RegionCode == formerRegion) && was.Length == 1)
                        {
                            Region r = Regions.First(x => x.Code == formerRegion);
                            yield return new AuditCase("R1-stale-region-breaks-tie", r.ShortName, null, bare, CityAnswer(was[0]));
                        }
                    }

                    // With a region none of them is in: still ambiguous.
                    Region? none = Regions.FirstOrDefault(x => all.All(a => s_cityByCode[a].RegionCode != x.Code && s_cityByCode[a].FormerRegion != x.Code));
                    if (none is not null)
                    {
                        yield return new AuditCase("R4-ambiguous-other-region", none.ShortName, null, bare, AmbiguousAnswer(all));
                    }
                }

                // Stale region typed with a unique city: the city's region.
                if (all.Count == 1)
                {
                    Region stale = Regions[(i * 5 + 1) % Regions.Count];
                    if (stale.Code != c.RegionCode)
                    {
                        yield return new AuditCase("R1-stale-region", stale.ShortName, null, bare, answer);
                        yield return new AuditCase("R1-stale-region", stale.Name, province, bare, answer);
                    }
                }
            }

            // R2: the city typed with a province it does not lie in (and no same-named place there) is a conflict.
            Province wrong = Provinces[(i * 13 + 7) % Provinces.Count];
            if (wrong.Code != c.GeoProvinceCode && !s_bare[key].Any(x => s_cityByCode[x].GeoProvinceCode == wrong.Code)
                && !s_provinceKeys.Contains(key) && !s_regionKeys.Contains(key)
                && !Cities.Any(x => x.GeoProvinceCode == wrong.Code && x.OldNames.Any(o => Key(Bare(o)) == key)))
            {
                yield return new AuditCase("R2-conflict", null, wrong.Name, c.Name, new Expected(Outcome.Conflict));
            }

            if (c.RegionCode == NcrCode)
            {
                foreach (string ncr in (string[])["Metro Manila", "NCR", "National Capital Region", "metro manila", "M.M."])
                {
                    yield return new AuditCase("R2-ncr-as-province", null, ncr, c.Name, answer);
                }
            }
            else if (!s_bare[key].Any(x => s_cityByCode[x].RegionCode == NcrCode) && i % 3 == 0)
            {
                yield return new AuditCase("R2-ncr-conflict", null, "Metro Manila", c.Name, new Expected(Outcome.Conflict));
            }

            // One typing error, with the province typed, when it leaves one candidate there.
            string letters = new([.. key.Where(char.IsAsciiLetter)]);
            if (letters.Length == key.Length && key.Length >= 5)
            {
                foreach (string typo in Typos(key, rng))
                {
                    if (s_bare.ContainsKey(typo) || s_provinceKeys.Contains(typo) || s_regionKeys.Contains(typo))
                    {
                        continue;
                    }

                    List<string> near = [.. s_bare.Where(kv => Osa(kv.Key, typo) <= 1).SelectMany(kv => kv.Value)
                        .Where(x => SameProvince(s_cityByCode[x], c)).Distinct()];
                    if (near.Count == 1 && c.IsCity && typo.Length >= 6 && !s_bareCities.Keys.Any(k => Osa(k, typo) <= 1 && !s_bare[k].Contains(c.Code)))
                    {
                        yield return new AuditCase("R5-typo-city-suffix", null, province, typo + " City", answer);
                    }

                    if (near.Count == 1)
                    {
                        yield return new AuditCase(key.Length >= 6 ? "R5-typo-in-province" : "R5-typo-short", null, province, typo, answer);
                    }

                    // Alone, nationwide: only when the typo leaves one place in the whole country.
                    List<string> nearAll = [.. s_bare.Where(kv => Osa(kv.Key, typo) <= 1).SelectMany(kv => kv.Value).Distinct()];
                    if (nearAll.Count == 1 && !s_provinceKeys.Any(k => Osa(k, typo) <= 1) && !s_regionKeys.Any(k => Osa(k, typo) <= 1))
                    {
                        yield return new AuditCase(key.Length >= 6 ? "R5-typo-alone" : "R5-typo-alone-short", null, null, typo, answer);
                    }
                }
            }
        }

        // Unknown city under a known province → the province (NotFound); under Metro Manila → NCR.
        foreach (Province p in Provinces)
        {
            yield return new AuditCase("R4-unknown-city-keeps-province", null, p.Name, "Qxzvillé Bwtk", new Expected(Outcome.NotFound, p.RegionCode, p.Code));
        }

        yield return new AuditCase("R4-unknown-city-keeps-province", null, "Metro Manila", "Qxzville Bwtk", new Expected(Outcome.NotFound, NcrCode));
        yield return new AuditCase("R2-ncr-as-province", null, "Metro Manila", null, new Expected(Outcome.Answer, NcrCode));
        yield return new AuditCase("R2-ncr-as-province", null, "NCR", null, new Expected(Outcome.Answer, NcrCode));
        yield return new AuditCase("R2-ncr-as-province", null, "National Capital Region", null, new Expected(Outcome.Answer, NcrCode));
    }

    private static IEnumerable<AuditCase> NothingCases()
    {
        foreach (string p in Placeholders)
        {
            yield return new AuditCase("R5-placeholder", null, null, p, new Expected(Outcome.NotFound));
            yield return new AuditCase("R5-placeholder", null, p, p, new Expected(Outcome.NotFound));

            // "X" in the region field is the roman numeral of Region X (Northern Mindanao), not a placeholder.
            if (p is not ("x" or "X"))
            {
                yield return new AuditCase("R5-placeholder", p, p, p, new Expected(Outcome.NotFound));
                yield return new AuditCase("R5-placeholder", p, null, null, new Expected(Outcome.NotFound));
            }

            yield return new AuditCase("R5-placeholder", null, p, null, new Expected(Outcome.NotFound));
        }

        foreach (string f in Foreign)
        {
            yield return new AuditCase("R5-foreign", null, null, f, new Expected(Outcome.NotFound));
            yield return new AuditCase("R5-foreign", f, null, null, new Expected(Outcome.NotFound));
            yield return new AuditCase("R5-foreign", null, f, f, new Expected(Outcome.NotFound));
        }

        foreach (string n in Nonsense)
        {
            yield return new AuditCase("R5-nonsense", null, null, n, new Expected(Outcome.NotFound));
            yield return new AuditCase("R5-nonsense", n, n, n, new Expected(Outcome.NotFound));
        }
    }

    private static bool SameProvince(City a, City b) => a.GeoProvinceCode == b.GeoProvinceCode && a.RegionCode == b.RegionCode
        || (a.RegionCode == NcrCode && b.RegionCode == NcrCode);

    private static List<string> InProvince(string key, City c, string typed)
    {
        bool saysCity = typed.Contains("city", StringComparison.OrdinalIgnoreCase);
        Dictionary<string, HashSet<string>> map = saysCity && s_bareCities.ContainsKey(key) ? s_bareCities : s_bare;
        return map.TryGetValue(key, out HashSet<string>? set) ? [.. set.Where(x => SameProvince(s_cityByCode[x], c))] : [];
    }

    public static string StripAccents(string s) =>
        new([.. s.Normalize(NormalizationForm.FormD).Where(ch => CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark)]);

    private static IEnumerable<string> Typos(string key, Random rng)
    {
        int p = rng.Next(1, key.Length - 1);
        char letter = (char)('a' + rng.Next(26));
        yield return key.Remove(p, 1);
        yield return key.Insert(p, letter.ToString());
        yield return key[..p] + (key[p] == letter ? (char)('a' + ((letter - 'a' + 1) % 26)) : letter) + key[(p + 1)..];
        if (key[p] != key[p + 1])
        {
            yield return key[..p] + key[p + 1] + key[p] + key[(p + 2)..];
        }
    }

    /// <summary>Optimal string alignment distance (small strings).</summary>
    public static int Osa(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 1)
        {
            return 2;
        }

        int[,] d = new int[a.Length + 1, b.Length + 1];
        for (int x = 0; x <= a.Length; x++)
        {
            d[x, 0] = x;
        }

        for (int y = 0; y <= b.Length; y++)
        {
            d[0, y] = y;
        }

        for (int x = 1; x <= a.Length; x++)
        {
            for (int y = 1; y <= b.Length; y++)
            {
                int cost = a[x - 1] == b[y - 1] ? 0 : 1;
                d[x, y] = Math.Min(Math.Min(d[x - 1, y] + 1, d[x, y - 1] + 1), d[x - 1, y - 1] + cost);
                if (x > 1 && y > 1 && a[x - 1] == b[y - 2] && a[x - 2] == b[y - 1])
                {
                    d[x, y] = Math.Min(d[x, y], d[x - 2, y - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    /// <summary>Why an answer does not meet its case, or null.</summary>
    public static string? Check(AuditCase c, PlaceResolution r)
    {
        Expected e = c.Expected;
        bool codes = r.RegionCode == e.Region && r.ProvinceCode == e.Province && r.CityMunicipalityCode == e.City && r.BarangayCode == e.Barangay;
        bool status = e.Outcome switch
        {
            Outcome.Answer => r.Status is PlaceMatchStatus.Exact or PlaceMatchStatus.Fuzzy,
            Outcome.Ambiguous => r.Status == PlaceMatchStatus.Ambiguous && e.Candidates!.All(x => r.Candidates.Any(k => k.Code == x))
                && r.Candidates.Count == e.Candidates!.Length,
            Outcome.NotFound => r.Status == PlaceMatchStatus.NotFound,
            Outcome.Conflict => r.Status == PlaceMatchStatus.Conflict,
            _ => false,
        };
        bool reason = e.Outcome == Outcome.Answer || !string.IsNullOrWhiteSpace(r.Reason);
        if (codes && status && reason)
        {
            return null;
        }

        return $"{c}: expected {e.Outcome} r={e.Region} p={e.Province} c={e.City} b={e.Barangay}"
            + (e.Candidates is null ? "" : $" cands={e.Candidates.Length}")
            + $"; got {r.Status} r={r.RegionCode} p={r.ProvinceCode} c={r.CityMunicipalityCode} ({r.CityMunicipalityName}) b={r.BarangayCode} ({r.BarangayName}) cands={r.Candidates.Count} reason={r.Reason}";
    }
}
