namespace Lakehouse.Geo;

/// <summary>Curated everyday names the PSGC tables do not carry. Each entry was checked against the embedded data.</summary>
internal static class ShortForms
{
    /// <summary>Short or colloquial city names. When such a name also matches other places, the city listed here is preferred unless a typed province or region says otherwise.</summary>
    public static readonly (string Label, string Code)[] CityShortForms =
    [
        ("QC", "1381300000"), ("Q.C.", "1381300000"), ("Quezon City", "1381300000"), ("Kyusi", "1381300000"),
        ("Makati", "1380300000"),
        ("BGC", "1381500000"), ("Bonifacio Global City", "1381500000"), ("Fort Bonifacio", "1381500000"), ("Taguig", "1381500000"),
        ("CDO", "1030500000"), ("Cagayan de Oro", "1030500000"), ("Cagayan", "1030500000"),
        ("GenSan", "1230800000"), ("Gen San", "1230800000"), ("General Santos", "1230800000"), ("Dadiangas", "1230800000"),
        ("Lapu-Lapu", "0731100000"), ("Lapulapu", "0731100000"),
        ("Dasma", "0402106000"), ("Dasmarinas", "0402106000"),
        ("Pasay", "1381100000"),
        ("Manila", "1380600000"), ("Mla", "1380600000"), ("Mnl", "1380600000"), ("Maynila", "1380600000"), ("City of Manila", "1380600000"),
        ("Kalookan", "1380100000"), ("Caloocan", "1380100000"), ("Kaloocan", "1380100000"),
        ("Paranaque", "1381000000"), ("Pque", "1381000000"),
        ("Las Pinas", "1380200000"),
        ("Muntinlupa", "1380800000"), ("Marikina", "1380700000"), ("Valenzuela", "1381600000"),
        ("Navotas", "1380900000"), ("Malabon", "1380400000"), ("Mandaluyong", "1380500000"),
        ("Pasig", "1381200000"), ("Pateros", "1381701000"),
        ("Iloilo", "0631000000"), ("Bacolod", "1830200000"), ("Davao", "1130700000"),
        ("Zambo", "0931700000"), ("Zamboanga", "0931700000"), ("Zambo City", "0931700000"),
        ("Puerto Princesa", "1731500000"), ("PPC", "1731500000"), ("Baguio", "1430300000"),
        ("Cebu", "0730600000"), ("Mandaue", "0731300000"),
        ("Trece", "0402122000"), ("GenTri", "0402108000"), ("Gen Trias", "0402108000"),
        ("Montalban", "0405808000"), ("Marbel", "1206306000"), ("Boracay", "0600412000"),
        ("Cubao", "1381300000"), ("Diliman", "1381300000"), ("Fairview", "1381300000"), ("Alabang", "1380800000"),
        ("IGaCoS", "1102317000"), ("CSFP", "0305416000"), ("SJDM", "0301420000"),
    ];

    /// <summary>Region labels beyond the table's aliases (Filipino names, common short forms).</summary>
    public static readonly (string Label, string Code)[] RegionExtras =
    [
        ("Davao", "1100000000"), ("Rehiyon ng Davao", "1100000000"),
        ("Zamboanga", "0900000000"), ("Western Mindanao", "0900000000"),
        ("SOCSARGEN", "1200000000"), ("SOCCSKSARGEN Region", "1200000000"), ("South Central Mindanao", "1200000000"),
        ("Negros", "1800000000"), ("Negros Island", "1800000000"),
        ("Gitnang Luzon", "0300000000"), ("Lambak ng Cagayan", "0200000000"), ("Rehiyon ng Ilocos", "0100000000"),
        ("Kanlurang Bisaya", "0600000000"), ("Kanlurang Visayas", "0600000000"), ("Gitnang Bisaya", "0700000000"), ("Gitnang Visayas", "0700000000"),
        ("Silangang Bisaya", "0800000000"), ("Silangang Visayas", "0800000000"), ("Hilagang Mindanao", "1000000000"),
        ("Tangway ng Zamboanga", "0900000000"), ("Rehiyon ng Bikol", "0500000000"),
        ("Metro Manila", "1300000000"), ("MM", "1300000000"), ("Metro Mla", "1300000000"),
        ("Calabarzon Region", "0400000000"), ("Mimaropa", "1700000000"),
        ("BARMM Region", "1900000000"), ("Muslim Mindanao", "1900000000"),
        ("Caraga Region", "1600000000"), ("CAR Region", "1400000000"),
    ];

    /// <summary>Province labels beyond the table: short forms and names that cover several provinces (ambiguous).</summary>
    public static readonly (string Label, string[] Codes)[] ProvinceExtras =
    [
        ("Mt. Province", ["1404400000"]), ("Mtn Province", ["1404400000"]), ("Mountain", ["1404400000"]),
        ("CamSur", ["0501700000"]), ("Cam Sur", ["0501700000"]), ("CamNorte", ["0501600000"]), ("Cam Norte", ["0501600000"]),
        ("NegOcc", ["1804500000"]), ("Neg Occ", ["1804500000"]), ("NegOr", ["1804600000"]), ("Neg Or", ["1804600000"]),
        ("ComVal", ["1108200000"]), ("Davao Oro", ["1108200000"]),
        ("Metro Cebu", ["0702200000"]),
        ("North Samar", ["0804800000"]), ("N. Samar", ["0804800000"]), ("East Samar", ["0802600000"]), ("E. Samar", ["0802600000"]),
        ("South Leyte", ["0806400000"]), ("Leyte del Sur", ["0806400000"]),
        ("Ilocos N", ["0102800000"]), ("Ilocos S", ["0102900000"]),
        ("Nueva Ecjia", ["0304900000"]), ("NE", ["0304900000"]),
        ("Maguindanao", ["1908700000", "1908800000"]),
        ("Davao", ["1108600000", "1102500000", "1108200000", "1102300000", "1102400000"]),
        ("Negros", ["1804500000", "1804600000"]),
        ("Mindoro", ["1705100000", "1705200000"]),
        ("Agusan", ["1600200000", "1600300000"]),
        ("Surigao", ["1606700000", "1606800000"]),
        ("Lanao", ["1003500000", "1903600000"]),
        ("Zamboanga", ["0908300000", "0907200000", "0907300000"]),
        ("Misamis", ["1004200000", "1004300000"]),
        ("Ilocos", ["0102800000", "0102900000"]),
        ("Camarines", ["0501600000", "0501700000"]),
    ];

    /// <summary>Province-field texts that mean the National Capital Region, which has no provinces.</summary>
    public static readonly string[] NcrAsProvince =
    [
        "Metro Manila", "MetroManila", "Metro Mla", "MM", "M.M.", "NCR", "National Capital Region", "Metropolitan Manila",
        "Kalakhang Maynila", "Manila", "Maynila", "Mla", "MNL", "Metro", "NCR Manila", "Manila NCR", "Metro Manila NCR", "NCR Metro Manila",
        "First District", "Second District", "Third District", "Fourth District", "Manila District", "Capital District",
        "Eastern Manila District", "Northern Manila District", "Southern Manila District", "CAMANAVA", "MUNTAPARLAS",
        "Pambansang Punong Rehiyon",
    ];

    /// <summary>Keys that are fillers for "nothing here".</summary>
    public static readonly HashSet<string> Placeholders = new(
        [
            "na", "n", "none", "null", "nil", "nul", "unknown", "unk", "unkown", "test", "testing", "xxx", "xx", "xxxx", "tbd", "tba", "sample",
            "dummy", "asdf", "qwerty", "notapplicable", "notavailable", "no", "wala", "ewan", "blank", "empty", "other", "others",
            "any", "nan", "undefined", "default", "abc", "aaa", "zzz", "city", "province", "region", "municipality", "barangay", "town",
            "philippines", "ph", "phl", "pilipinas", "home", "store", "address", "location", "same", "dito", "local",
            "bahay", "tindahan", "palengke", "market", "centro", "sentro", "downtown", "uptown", "mall", "school", "office",
        ],
        StringComparer.Ordinal);

    /// <summary>Places abroad that people type (countries, states, cities); never matched fuzzily to a Philippine name.</summary>
    public static readonly HashSet<string> Foreign = new(
        [
            "singapore", "tokyo", "japan", "osaka", "california", "usa", "us", "unitedstates", "unitedstatesofamerica", "america", "newyork",
            "losangeles", "texas", "hawaii", "guam", "hongkong", "hk", "china", "beijing", "shanghai", "taiwan", "taipei", "korea", "seoul",
            "dubai", "uae", "abudhabi", "saudi", "saudiarabia", "riyadh", "jeddah", "qatar", "doha", "kuwait", "bahrain", "oman",
            "malaysia", "kualalumpur", "sabah", "indonesia", "jakarta", "bali", "thailand", "bangkok", "vietnam", "hanoi", "hochiminh",
            "australia", "sydney", "melbourne", "canada", "toronto", "vancouver", "london", "uk", "unitedkingdom", "england", "paris",
            "france", "germany", "italy", "rome", "spain", "madrid", "india", "mumbai", "newzealand", "auckland", "macau", "brunei",
            "israel", "telaviv", "nevada", "lasvegas", "florida", "chicago", "seattle", "sanfranciscoca", "newjersey", "alaska",
        ],
        StringComparer.Ordinal);
}
