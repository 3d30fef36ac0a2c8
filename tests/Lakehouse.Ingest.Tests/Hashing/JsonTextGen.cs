using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Lakehouse.Ingest.Tests.Hashing;

/// <summary>
/// FsCheck generators of JSON texts, valid and not. Texts are C# strings in which the private-use characters
/// U+F700..U+F7FF stand for single raw bytes 0x00..0xFF (<see cref="ToBytes"/>), so that invalid UTF-8 can be
/// generated alongside everything else.
/// </summary>
internal static class JsonTextGen
{
    private const char RawByteBase = '\uF700';

    private static readonly string[] s_keyPool = ["a", "b", "A", "aa", "ab", "ba", "id", "é", "store_id", "peso_value", "items", "", "a b", "\u00e4"];

    public static byte[] ToBytes(string text)
    {
        var bytes = new List<byte>(text.Length + 8);
        var run = new StringBuilder();
        foreach (char c in text)
        {
            if (c is >= RawByteBase and <= (char)(RawByteBase + 0xFF))
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(run.ToString()));
                run.Clear();
                bytes.Add((byte)(c - RawByteBase));
            }
            else
            {
                run.Append(c);
            }
        }

        bytes.AddRange(Encoding.UTF8.GetBytes(run.ToString()));
        return [.. bytes];
    }

    public static string Raw(params byte[] bytes) => new(bytes.Select(b => (char)(RawByteBase + b)).ToArray());

    public static Gen<string> WhiteSpace { get; } = Gen.Frequency(
        (8, Gen.Constant("")),
        (3, Gen.Elements(" ", "\n", "\t", "\r\n", "  \t ", "\r")));

    private static Gen<string> Hex4(int code) =>
        Gen.Elements(false, true).Select(upper => "\\u" + code.ToString(upper ? "X4" : "x4", CultureInfo.InvariantCulture));

    private static Gen<string> StringPiece { get; } = Gen.Frequency(
        (12, Gen.Choose(0x20, 0x7E).Where(c => c != '"' && c != '\\').Select(c => ((char)c).ToString())),
        (3, Gen.Elements("\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "/")),
        (3, Gen.Choose(1, 0xFFFF).Where(c => c is < 0xD800 or > 0xDFFF).SelectMany(Hex4)),
        (1, Gen.Choose(1, 0x7F).SelectMany(Hex4)),
        (2, Gen.Choose(0x10000, 0x10FFFF).SelectMany(c =>
            Hex4(0xD800 + ((c - 0x10000) >> 10)).SelectMany(hi => Hex4(0xDC00 + ((c - 0x10000) & 0x3FF)).Select(lo => hi + lo)))),
        (3, Gen.Elements("é", "ñ", "中", "😀", "\u2028", "\u2029", "\u007f", "𝄞", "ß", "\u00a0", "\uFEFF", "\uFFFD", "\U0010FFFF")));

    public static Gen<string> StringContent { get; } =
        Gen.Choose(0, 10).SelectMany(n => Gen.ListOf(StringPiece, n)).Select(pieces => string.Concat(pieces));

    public static Gen<string> JsonString { get; } = StringContent.Select(s => "\"" + s + "\"");

    private static Gen<string> Digits(int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Gen.ListOf(Gen.Choose(0, 9), n)).Select(d => string.Concat(d));

    public static Gen<string> Number { get; } =
        from sign in Gen.Elements("", "", "-")
        from integer in Gen.Frequency(
            (3, Gen.Constant("0")),
            (6, Gen.Choose(1, 9).SelectMany(first => Digits(0, 6).Select(rest => first.ToString(CultureInfo.InvariantCulture) + rest))),
            (1, Gen.Choose(1, 9).SelectMany(first => Digits(15, 40).Select(rest => first.ToString(CultureInfo.InvariantCulture) + rest))))
        from fraction in Gen.Frequency(
            (4, Gen.Constant("")),
            (4, Digits(1, 6).Select(d => "." + d)),
            (1, Digits(15, 45).Select(d => "." + d)),
            (1, Gen.Elements(".0", ".00", ".000000")))
        from exponent in Gen.Frequency(
            (5, Gen.Constant("")),
            (3, from e in Gen.Elements("e", "E")
                from s in Gen.Elements("", "+", "-")
                from d in Digits(1, 2)
                select e + s + d),
            (1, Gen.Elements("e0", "e-0", "E+00", "e007", "e-007", "e300", "e-300", "e40", "e-40", "e1000")))
        select sign + integer + fraction + exponent;

    public static Gen<string> Literal { get; } = Gen.Elements("true", "false", "null");

    public static Gen<string> Key { get; } = Gen.Frequency(
        (4, Gen.Elements(s_keyPool).Select(k => "\"" + k + "\"")),
        (1, Gen.Elements(s_keyPool).Select(k => "\"" + string.Concat(k.Select(c => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture))) + "\"")),
        (2, JsonString));

    public static Gen<string> Leaf { get; } = Gen.Frequency((3, JsonString), (4, Number), (1, Literal));

    /// <summary>Valid JSON values of bounded size, with random white space, duplicate keys and nesting.</summary>
    public static Gen<string> Value { get; } = Gen.Sized(size => ValueOfSize(Math.Min(size, 40), Leaf));

    public static Gen<string> ValueOfSize(int size, Gen<string> leaf)
    {
        if (size <= 1)
        {
            return leaf;
        }

        Gen<string> element = Gen.Sized(_ => ValueOfSize(size / 3, leaf));
        Gen<string> token(Gen<string> inner) =>
            from before in WhiteSpace
            from value in inner
            from after in WhiteSpace
            select before + value + after;

        Gen<string> array = Gen.Choose(0, 5).SelectMany(n => Gen.ListOf(token(element), n))
            .SelectMany(items => WhiteSpace.Select(ws => "[" + (items.Count == 0 ? ws : string.Join(",", items)) + "]"));
        Gen<string> member = from key in token(Key) from value in token(element) select key + ":" + value;
        Gen<string> obj = Gen.Choose(0, 6).SelectMany(n => Gen.ListOf(member, n))
            .SelectMany(members => WhiteSpace.Select(ws => "{" + (members.Count == 0 ? ws : string.Join(",", members)) + "}"));
        return Gen.Frequency((2, leaf), (2, array), (3, obj));
    }

    /// <summary>Leaves at and beyond the edges of what jsonb accepts (valid and invalid).</summary>
    public static Gen<string> EdgeLeaf { get; } = Gen.Elements(
        "1e131071", "9.99e131071", "1e131072", "0.00001e131076", "0.00001e131077", "1e1073741822", "0e1073741822", "0e1073741823",
        "0e-1073741822", "1e-1073741823", "1e-16383", "1e-16384", "0e-16383", "0e-16384", "1.5e-16382", "1.5e-16383",
        "0." + new string('0', 16383), "0." + new string('0', 16384), "1" + new string('0', 131071), "1" + new string('0', 131072),
        "1e99999999999999999999", "1e-99999999999999999999", "1e00000000000000000000000005", "-0e-5", "-0.000e3",
        "01", "-01", "+1", ".5", "1.", "1.e5", "-", "-.5", "1e", "1e+", "0x10", "Infinity", "-Infinity", "NaN", "1_000",
        "TRUE", "nul", "nulll", "True",
        "\"a\\u0000b\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\udc00\\ud800\"", "\"\\ud800\\u0041\"", "\"\\ud800\\n\"",
        "\"\\uD83D\\uDE00\"", "\"\\ud83d\\udE00\"", "\"\\u00\"", "\"\\uzzzz\"", "\"\\x\"", "\"\\'\"", "\"\\U0041\"", "\"\\\"",
        "\"a\u0001b\"", "\"\t\"", "\"\n\"", "\"\u001f\"", "\"\u007f\"",
        "\"" + Raw(0xC0, 0x80) + "\"", "\"" + Raw(0xED, 0xA0, 0x80) + "\"", "\"" + Raw(0xF4, 0x90, 0x80, 0x80) + "\"",
        "\"" + Raw(0xFF) + "\"", "\"" + Raw(0xE2, 0x82) + "\"", "\"" + Raw(0x80) + "\"", "\"" + Raw(0xF8, 0x88, 0x80, 0x80, 0x80) + "\"",
        "\"\uFEFF\"", "\"" + Raw(0xEF, 0xBB, 0xBF) + "\"", "\u00a0", "\f1", "[1,]", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "{1:2}", "{'a':1}",
        "[", "]", "{", "}", "\"unterminated");

    /// <summary>Texts that are often invalid: edge leaves inside valid structures, and byte-level damage.</summary>
    public static Gen<string> Suspect { get; } = Gen.Frequency(
        (4, Gen.Sized(size => ValueOfSize(Math.Min(size, 20), Gen.Frequency((1, EdgeLeaf), (3, Leaf))))),
        (3, from text in Value
            from at in Gen.Choose(0, 1000)
            from fragment in Gen.Elements(
                Raw(0xFF), Raw(0xC0, 0x80), Raw(0xED, 0xB0, 0x80), Raw(0x80), Raw(0xF5, 0x80, 0x80, 0x80), "\u0001", "\u0000", "\f",
                "\u00a0", "\\u0000", "\\ud800", "x", ",", "}", "]", "\"", "\\", "e", ".", "-", "0", " ", "\u2028")
            select text.Length == 0 ? fragment : text.Insert(at % (text.Length + 1), fragment)),
        (1, from text in Value
            from cut in Gen.Choose(0, 1000)
            select text[..(cut % (text.Length + 1))]));
}
