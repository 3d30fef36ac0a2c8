using System.Globalization;
using System.Text;
using Lakehouse.Ingest.Tests.Hashing;

namespace Lakehouse.Ingest.Tests.Contract;

/// <summary>
/// An adversarial generator of transaction lines aimed at the corners of DESIGN.md's "Transaction event" and
/// "Event hash" contracts: every kind of escape (short, <c>\u</c> in either case, surrogate pairs, escaped
/// forward slash), keys that order differently by UTF-16 and by UTF-8 bytes, keys that are equal only after
/// unescaping (so duplicates hide), duplicates whose overwritten value breaks a rule, numbers at and beyond
/// <c>numeric</c>'s limits, in every spelling (signs, exponents with signs and leading zeros, <c>-0.0e-5</c>),
/// wrong JSON types, enums in other cases, timestamps at the edges of ISO-8601, and byte-level damage (NBSP,
/// form feed, stray BOM, invalid UTF-8). Texts use <see cref="JsonTextGen"/>'s convention for raw bytes.
/// </summary>
/// <remarks>Driven by a seeded <see cref="Random"/> so that a failing seed reproduces exactly.</remarks>
internal sealed class AdversarialLines(Random random)
{
    // "😀a" and "\uFF5Eab" are both 5 UTF-8 bytes; UTF-16 puts the emoji first (0xD83D < 0xFF5E), memcmp of UTF-8
    // puts it last (0xF0 > 0xEF). "\uE000ab" likewise. Known field names appear so that escaped spellings of them
    // must still be recognised.
    private static readonly string[] s_keys =
    [
        "a", "b", "A", "aa", "ab", "ba", "é", "e\u0301", "😀a", "\uFF5Eab", "\uE000ab", "𝄞", "中文", "a b", "\"q", "back\\slash", "tab\t",
        "nl\n", "ctl\u0001", "\u007f", "/", "\u2028", "", "store_idx", "Store_id", "items2", "store_id", "peso_value", "ts", "items",
        "location", "payment_method", "region", "sku", "qty",
    ];

    private static readonly string[] s_text =
    [
        "102", "S-1", "sari-sari 7", "Parañaque", "Sto. Niño", "中", "😀", "\u00a0", "\uFEFF", "\uFFFD", "\U0010FFFF", "\u2028", "\u007f",
        "a\"b", "c\\d", "/", "\b\f\n\r\t", "\u0001\u001f", " ", "",
    ];

    private static readonly string[] s_storeIds = ["102", "S-1", "sari-sari 7", "Parañaque", "中", "😀", "\u00a0", "a\"b", "/", "\b\f\n\r\t", " "];

    private static readonly string[] s_goodTimestamps =
    [
        "2026-11-21T14:05:00+08:00", "2026-11-21t14:05:00z", "2026-11-21T14:05Z", "2026-11-21T14:05:00.123456789-03:30", "2026-11-21T23:59:60Z",
        "2026-11-21T24:00:00+08:00", "2026-11-21T14:05:00+14:00", "2026-11-21T14:05:00+0800", "2026-11-21T14:05:00+08", "2024-02-29T12:00:00Z",
        "2026-11-21T14:05:00-00:00", "2026-11-21T14:05:00.5+08:00",
    ];

    private static readonly string[] s_goodScores = ["0", "0.5", "1", "1.000", "5e-1", "-0", "0e5", "100e-2", "0.87", "1E0", "-0.0e-5", "0.99999999999999999999"];
    private static readonly string[] s_goodQuantities = ["1", "2", "0.25", "25e-1", "1E+0", "12", "1e-400", "3.0"];
    private static readonly string[] s_goodMoney = ["0", "-0", "-0.0", "0e0", "150.50", "15050e-2", "1.5050E+2", "1E+2", "0.000001e6", "12.3400e-2", "9999999.999999999", "0.99999999e7", "-0.0e-5", "1e-16383"];

    // Valid jsonb numbers at numeric's edges (kept out of the contract's own fields by where they are used).
    private static readonly string[] s_validEdgeNumbers = ["1e131071", "9.99e131071", "1e-16383", "0e-16383", "0e1073741822", "-0e-1073741822", "0.00001e131076", "1.5e-16382", "-1e-400", "1e400", "123456789012345678901234567890e-40"];

    private static readonly string[] s_payments = ["cash", "gcash", "maya", "card", "other", "GCash", "CASH", "Cash", " cash", "cash ", "bitcoin", "", "gcash\u0000"];
    private static readonly string[] s_customers = ["new", "returning", "vip", "churned", "VIP", "New", "old", ""];
    private static readonly string[] s_categories = ["beverages", "snacks", "personal_care", "household", "tobacco", "other", "Snacks", "toys", "personal care", ""];

    // Timestamps chosen so that PostgreSQL's timestamptz and the contract agree wherever the oracle's pattern lets
    // them meet (no offsets beyond ±14:00, no instants outside years 1..9999 in UTC).
    private static readonly string[] s_timestamps =
    [
        "2026-11-21T14:05:00+08:00", "2026-11-21t14:05:00z", "2026-11-21T14:05Z", "2026-11-21T14:05:00.123456789-03:30", "2026-11-21T23:59:60Z",
        "2026-11-21T24:00:00+08:00", "2026-11-21T14:05:00", "2026-11-21", "2026-11-21 14:05:00+08:00", "2026-02-30T00:00:00Z",
        "2026-11-21T25:00:00Z", "2026-11-21T14:60:00Z", "2026-11-21T14:05:00+14:00", "2026-11-21T14:05:00+0800", "2026-11-21T14:05:00+08",
        "2026-11-21T14:05:00.Z", "20261121T140500Z", "2026-11-21T14:05:00+08:00 ", "", "2024-02-29T12:00:00Z", "2023-02-29T12:00:00Z",
        "2026-11-21T14:05:00-00:00", "2026-13-01T00:00:00Z", "2026-11-21T14:05:00+8:00", "2026-11-21T14:05:00.5+08:00",
    ];

    private static readonly string[] s_numberConstants =
    [
        "-1e-400", "1e400", "-0", "-0.0", "-0.0e-5", "0e0", "1E+2", "0e1073741823", "0e1073741822", "1e1073741822", "1e-1073741822",
        "9999999.999999999", "10000000", "1e7", "0.99999999e7", "9999999.99999999999999999999999999999", "1e131071", "1e131072",
        "1e-16383", "1e-16384", "0e-16384", "1.5e-16382", "1.5e-16383", "0.00001e131076", "0.00001e131077", "1e-99999999999999999999",
        "150.50", "15050e-2", "1.5050e2", "0.0", "1", "0.5", "1.0000", "1.0001", "-1e-9", "01", "-01", "+1", ".5", "1.", "1.e5", "-", "1e",
        "1e+", "0x10", "NaN", "Infinity", "1_000", "00", "-00.5",
    ];

    // 0: tame (valid JSON and valid contract except for what duplicates overwrite), 1: contract rules broken at
    // will, 2: wild (JSON and jsonb broken too).
    private int _mode;

    private bool Tame => _mode == 0;

    private bool Wild => _mode == 2;

    public string Line()
    {
        int roll = random.Next(100);
        _mode = roll < 45 ? 0 : roll < 75 ? 1 : 2;
        int shape = random.Next(100);
        string line = _mode > 0 && shape < 4 ? Ws() + "[" + Event() + "]" + Ws()
            : _mode > 0 && shape < 7 ? Ws() + Leaf() + Ws()
            : Ws() + Event() + Ws();
        return Wild && random.Next(100) < 30 ? Damage(line) : line;
    }

    private string Event()
    {
        var members = new List<(string Key, string Value)>();
        int s = Tame ? 10 : random.Next(24);
        if (s > 0)
        {
            members.Add(("store_id", s switch { 1 => "102", 2 => "\"\"", 3 => "null", 4 => "[\"1\"]", 5 => "true", _ => Str(Pick(s_storeIds)) }));
        }

        int p = Tame ? 10 : random.Next(24);
        if (p > 0)
        {
            members.Add(("peso_value", p switch { 1 => Str("150.50"), 2 => "null", 3 => "{}", _ => Money() }));
        }

        Maybe(members, "transaction_id", () => Tame ? Str(Pick(s_text)) : OneOf(() => Str(Pick(s_text)), () => "7", () => "null"));
        Maybe(members, "device_id", () => Tame ? Str("pi5-\u00f1") : OneOf(() => Str("pi5-" + random.Next(100).ToString(CultureInfo.InvariantCulture)), () => "[]", () => "null"));
        Maybe(members, "customer_id", () => Tame ? "null" : OneOf(() => Str(Pick(s_text)), () => "true", () => "null"));
        Maybe(members, "campaign_id", () => Tame ? Str(Pick(s_text)) : OneOf(() => Str(Pick(s_text)), () => "{}", () => "null"));
        Maybe(members, "ts", () => Tame ? Str(Pick(s_goodTimestamps)) : OneOf(() => Str(Pick(s_timestamps)), () => Str(Pick(s_goodTimestamps)), () => "1763705100", () => "null"));
        Maybe(members, "payment_method", () => Tame ? Str(Pick(s_payments[..5])) : OneOf(() => Str(Pick(s_payments)), () => Str(Pick(s_payments)), () => "1", () => "null"));
        Maybe(members, "customer_type", () => Tame ? Str(Pick(s_customers[..4])) : OneOf(() => Str(Pick(s_customers)), () => "null"));
        Maybe(members, "handshake_score", () => Tame ? Pick(s_goodScores) : OneOf(() => Number(), () => Pick(s_goodScores), () => Str("0.5"), () => "null"));
        Maybe(members, "items", Items);
        Maybe(members, "location", Location);
        for (int i = random.Next(4); i > 0; i--)
        {
            members.Add((Pick(s_keys), Value(2)));
        }

        members = Shuffled(members);
        AddDuplicates(members, () => OneOf(() => Number(), () => Str(Pick(s_text)), () => "null", () => Value(1), () => "-1", () => "\"GCash\""));
        return Render(members);
    }

    private string Items() => Tame ? "[" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => Item())) + Ws() + "]" : random.Next(12) switch
    {
        0 => "null",
        1 => "{}",
        2 => "5",
        _ => "[" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => random.Next(15) == 0 ? Leaf() : Item())) + Ws() + "]",
    };

    private string Item()
    {
        var members = new List<(string Key, string Value)>();
        int id = random.Next(10);
        if (id is > 0 and < 7)
        {
            members.Add(("sku", !Tame && random.Next(12) == 0 ? "5" : Str(Pick(s_text))));
        }

        if (id is 0 or >= 5)
        {
            members.Add(("product_id", !Tame && random.Next(12) == 0 ? "null" : Str("p-" + random.Next(10).ToString(CultureInfo.InvariantCulture))));
        }

        Maybe(members, "brand", () => Tame ? Str(Pick(s_text)) : OneOf(() => Str(Pick(s_text)), () => "null", () => "3"));
        Maybe(members, "category", () => Tame ? Str(Pick(s_categories[..6])) : OneOf(() => Str(Pick(s_categories)), () => Str(Pick(s_categories)), () => "null"));
        Maybe(members, "qty", () => Tame ? Pick(s_goodQuantities) : OneOf(() => Number(), () => Small(), () => Str("2")));
        Maybe(members, "unit_price", () => Tame ? Money() : OneOf(() => Number(), () => Small()));
        Maybe(members, "discount", () => Tame ? Money() : OneOf(() => Number(), () => Small(), () => "null"));
        if (random.Next(5) == 0)
        {
            members.Add((Pick(s_keys), Value(1)));
        }

        members = Shuffled(members);
        AddDuplicates(members, () => OneOf(() => Number(), () => Str(Pick(s_categories)), () => "null", () => "[]", () => "-1", () => "0"));
        return Render(members);
    }

    private string Location()
    {
        if (!Tame && random.Next(10) == 0)
        {
            return OneOf(() => "null", () => Str("Manila"), () => "[]");
        }

        var members = new List<(string Key, string Value)>();
        foreach (string key in new[] { "region", "province", "city", "barangay" })
        {
            Maybe(members, key, () => Tame ? OneOf(() => Str(Pick(s_text)), () => "null") : OneOf(() => Str(Pick(s_text)), () => Str(Pick(s_text)), () => "null", () => "1"), 60);
        }

        if (random.Next(3) == 0)
        {
            members.Add((OneOf(() => "zip", () => Pick(s_keys)), Value(1)));
        }

        members = Shuffled(members);
        AddDuplicates(members, () => OneOf(() => Str(Pick(s_text)), () => "7", () => "null", () => "{}"));
        return Render(members);
    }

    private string Value(int depth)
    {
        if (depth <= 0 || random.Next(3) > 0)
        {
            return Leaf();
        }

        return random.Next(2) == 0
            ? "[" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => Ws() + Value(depth - 1) + Ws())) + "]"
            : Render(Enumerable.Range(0, random.Next(4)).Select(_ => (Pick(s_keys), Value(depth - 1))).ToList());
    }

    private string Leaf() => random.Next(Wild ? 10 : 9) switch
    {
        < 4 => Number(),
        < 8 => StrValue(),
        8 => Pick(["true", "false", "null"]),
        _ => Pick(["TRUE", "nul", "True", "'a'", "{\"a\":1,}", "[1,]", "[1 2]"]),
    };

    // A non-negative amount below the ceiling in one of many spellings.
    private string Money() => random.Next(3) switch
    {
        0 => Pick(s_goodMoney),
        1 => random.Next(0, 10_000_000).ToString(CultureInfo.InvariantCulture) + Pick(["", ".5", ".50", ".000", "e0", "E-2", "e+00", "0e-3"]),
        _ => random.Next(0, 1_000_000).ToString(CultureInfo.InvariantCulture) + "." + Digits(random.Next(1, 30)) + Pick(["", "e1", "E-5", "e-0001"]),
    };

    private string Small() => Pick(["1", "2", "0", "-1", "0.25", "2.50", "25e-1", "-0", "1e-400", "-1e-400"]);

    private string Number()
    {
        if (!Wild)
        {
            return random.Next(5) == 0 ? Pick(s_validEdgeNumbers) : Money();
        }

        if (random.Next(4) == 0)
        {
            return Pick(s_numberConstants);
        }

        var b = new StringBuilder();
        if (random.Next(4) == 0)
        {
            b.Append('-');
        }

        int shape = random.Next(20);
        b.Append(shape switch
        {
            < 5 => "0",
            < 17 => random.Next(1, 10).ToString(CultureInfo.InvariantCulture) + Digits(random.Next(0, 6)),
            < 19 => random.Next(1, 10).ToString(CultureInfo.InvariantCulture) + Digits(random.Next(15, 41)),
            _ => "0" + Digits(1), // a leading zero: not JSON
        });

        int fraction = random.Next(10);
        if (fraction < 3)
        {
            b.Append('.').Append(Digits(random.Next(1, 7)));
        }
        else if (fraction == 3)
        {
            b.Append('.').Append(Digits(random.Next(20, 41)));
        }
        else if (fraction == 4)
        {
            b.Append(Pick([".0", ".000", ".", ".00000000000000000000"]));
        }

        int exponent = random.Next(10);
        if (exponent < 3)
        {
            b.Append(Pick(["e", "E"])).Append(Pick(["", "+", "-"])).Append(Pick(["", "0", "00"])).Append(Digits(random.Next(1, 3)));
        }
        else if (exponent == 3)
        {
            b.Append(Pick(["e", "E"])).Append(Pick(["", "+", "-"]))
                .Append(Pick(["131071", "131072", "131073", "16383", "16384", "16385", "1073741822", "1073741823", "2147483648", "99999999999", "0", "000001", ""]));
        }

        if (random.Next(200) == 0)
        {
            // Many digits: right at numeric's limits.
            return Pick(["1" + new string('0', 131071), "1" + new string('0', 131072), "0." + new string('0', 16383) + "1", "0." + new string('0', 16382) + "1"]);
        }

        return b.ToString();
    }

    private string Digits(int count)
    {
        var b = new StringBuilder(count);
        for (int i = 0; i < count; i++)
        {
            b.Append((char)('0' + random.Next(10)));
        }

        return b.ToString();
    }

    private string StrValue()
    {
        string text = random.Next(3) == 0 ? RandomText() : Pick(s_text);
        string literal = Str(text);
        if (!Wild || random.Next(5) > 0)
        {
            return literal;
        }

        // Something jsonb refuses, or not JSON at all, inside an otherwise fine string.
        string bad = Pick(["\\u0000", "\\ud800", "\\udc00", "\\udc00\\ud800", "\\uD83D\\u0041", "\\ud83d\\n", "\u0001", "\u001f", "\t", "\\x", "\\'",
            "\\u00", "\\uzzzz", "\\U0041", JsonTextGen.Raw(0xFF), JsonTextGen.Raw(0xC0, 0x80), JsonTextGen.Raw(0xED, 0xA0, 0x80), JsonTextGen.Raw(0x80),
            "\\uD83D\\uDE00", "\\u0041"]);
        int at = 1 + random.Next(literal.Length - 1);
        while (at < literal.Length - 1 && literal[at - 1] == '\\')
        {
            at++;
        }

        return literal.Insert(at, bad);
    }

    private string RandomText()
    {
        var b = new StringBuilder();
        for (int n = random.Next(8); n > 0; n--)
        {
            int kind = random.Next(6);
            int code = kind switch
            {
                0 => random.Next(0x20, 0x7F),
                1 => random.Next(1, 0x20),
                2 => random.Next(0x80, 0x800),
                3 => random.Next(0x800, 0xD800),
                4 => random.Next(0xE000, 0xF700),
                _ => random.Next(0x10000, 0x110000),
            };
            b.Append(char.ConvertFromUtf32(code));
        }

        return b.ToString();
    }

    /// <summary>A JSON string literal for <paramref name="text"/>, each character written in a randomly chosen legal way.</summary>
    private string Str(string text)
    {
        var b = new StringBuilder("\"");
        for (int i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
        {
            int code = char.ConvertToUtf32(text, i);
            bool escape = random.Next(5) == 0;
            switch (code)
            {
                case '"':
                    b.Append(escape ? Hex(code) : "\\\"");
                    break;
                case '\\':
                    b.Append(escape ? Hex(code) : "\\\\");
                    break;
                case '/':
                    b.Append(random.Next(3) switch { 0 => "\\/", 1 => Hex(code), _ => "/" });
                    break;
                case < 0x20:
                    string? shortForm = code switch { 8 => "\\b", 9 => "\\t", 10 => "\\n", 12 => "\\f", 13 => "\\r", _ => null };
                    b.Append(shortForm is not null && !escape ? shortForm : Hex(code));
                    break;
                case >= 0x10000:
                    int v = code - 0x10000;
                    b.Append(escape ? Hex(0xD800 + (v >> 10)) + Hex(0xDC00 + (v & 0x3FF)) : char.ConvertFromUtf32(code));
                    break;
                default:
                    b.Append(escape ? Hex(code) : char.ConvertFromUtf32(code));
                    break;
            }
        }

        return b.Append('"').ToString();
    }

    private string Hex(int code)
    {
        string hex = code.ToString("x4", CultureInfo.InvariantCulture);
        var b = new StringBuilder("\\u");
        foreach (char c in hex)
        {
            b.Append(random.Next(2) == 0 ? char.ToUpperInvariant(c) : c);
        }

        return b.ToString();
    }

    private void Maybe(List<(string Key, string Value)> members, string key, Func<string> value, int percent = 30)
    {
        if (random.Next(100) < percent)
        {
            members.Add((key, value()));
        }
    }

    // Repeats keys already present, with another value: the later one must win, the earlier must only be valid JSON.
    private void AddDuplicates(List<(string Key, string Value)> members, Func<string> value)
    {
        if (members.Count == 0)
        {
            return;
        }

        for (int i = random.Next(3) == 0 ? random.Next(1, 3) : 0; i > 0; i--)
        {
            // Tame lines put the odd value first, so it is overwritten and must not count; others put it anywhere.
            int original = random.Next(members.Count);
            int at = Tame ? random.Next(original + 1) : random.Next(members.Count + 1);
            members.Insert(at, (members[original].Key, value()));
        }
    }

    // Any order: which duplicate comes last (and so wins) is left to chance too.
    private List<(string Key, string Value)> Shuffled(List<(string Key, string Value)> members) =>
        [.. members.OrderBy(_ => random.Next())];

    private string Render(List<(string Key, string Value)> members) =>
        "{" + (members.Count == 0 ? Ws() : string.Join(",", members.Select(m => Ws() + Str(m.Key) + Ws() + ":" + Ws() + m.Value + Ws()))) + "}";

    private string Damage(string line)
    {
        string fragment = Pick(["\u00a0", "\f", "\v", JsonTextGen.Raw(0xFF), JsonTextGen.Raw(0xC0, 0x80), "\uFEFF", "\u0001", ",", "}", "]", "\"", "x", "\\", "0", "-", "e"]);
        return line.Insert(random.Next(line.Length + 1), fragment);
    }

    private string Ws() => random.Next(6) == 0 ? Pick([" ", "\t", "\r", "  \t", " \r "]) : "";

    private string OneOf(params Func<string>[] choices) => choices[random.Next(choices.Length)]();

    private string Pick(string[] items) => items[random.Next(items.Length)];
}
