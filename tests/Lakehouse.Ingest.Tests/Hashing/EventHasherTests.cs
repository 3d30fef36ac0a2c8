using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Lakehouse.Testing;

namespace Lakehouse.Ingest.Tests.Hashing;

public sealed class EventHasherTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    private const string TransactionLine =
        """{"transaction_id":"TX-2026-11-23-000123","store_id":"102","device_id":"pi5-sari-0042","ts":"2026-11-23T08:15:42+08:00","peso_value":150.50,"payment_method":"gcash","customer_type":"returning","handshake_score":0.87,"items":[{"sku":"COKE-330","brand":"Coca-Cola","category":"beverages","qty":2,"unit_price":25.00,"discount":0},{"sku":"PIATTOS-40","brand":"Piattos","category":"snacks","qty":1,"unit_price":100.5e0}],"location":{"region":"NCR","province":"Metro Manila","city":"Quezon City","barangay":"Bagong Pag-asa"}}""";

    public static TheoryData<string, string> WorkedExamples => new()
    {
        { "1.50", "1.50" },
        { "15e-1", "1.5" },
        { "1.50e1", "15.0" },
        { "1e2", "100" },
        { "1e-7", "0.0000001" },
        { "-0", "0" },
        { "-0.0", "0.0" },
        { "0e5", "0" },
        { "0e-5", "0.00000" },
        { "-1e-3", "-0.001" },
        { "12.3400e-2", "0.123400" },
        { "0.001e4", "10" },
        { "1E+2", "100" },
        { "1e-0000000001", "0.1" },
        { "true", "true" },
        { " null ", "null" },
        { "\"\\u0041\\u00e9\\/\"", "\"Aé/\"" },
        { "\"\\b\\f\\n\\r\\t\\u0001\\u001F\\\"\\\\\"", "\"\\b\\f\\n\\r\\t\\u0001\\u001f\\\"\\\\\"" },
        { "\"\\u007f\u007f\\u2028\u2028/\"", "\"\u007f\u007f\u2028\u2028/\"" },
        { "\"\\ud83d\\ude00\"", "\"😀\"" },
        { "{\"b\":1,\"a\":2,\"aa\":3,\"é\":4}", "{\"a\": 2, \"b\": 1, \"aa\": 3, \"é\": 4}" },
        { "{\"a\":1,\"b\":2,\"a\":3}", "{\"a\": 3, \"b\": 2}" },
        { "{\"a\":{\"x\":1,\"x\":2},\"a\":{\"y\":[1,{\"z\":1,\"\\u007a\":0}]}}", "{\"a\": {\"y\": [1, {\"z\": 0}]}}" },
        { "{}", "{}" },
        { "[ ]", "[]" },
        { "{ \"a\" : [ [ ] , { } ] }", "{\"a\": [[], {}]}" },
        { "\uFEFF{\"store_id\":\"102\",\"peso_value\":150.50}", "{\"store_id\": \"102\", \"peso_value\": 150.50}" },
        { "{\"\\n\":1,\"\\u0001\":2,\"\\\"\":3}", "{\"\\u0001\": 2, \"\\n\": 1, \"\\\"\": 3}" },
    };

    public static TheoryData<string, string> Rejections => new()
    {
        { "\"ab\\u0000\"", "invalid escape \\u0000 at byte 3" },
        { "[1e131072]", "number out of numeric range at byte 1" },
        { "1e-16384", "number out of numeric range at byte 0" },
        { "0e1073741823", "number out of numeric range at byte 0" },
        { "{\"a\":x}", "unexpected character 'x' at byte 5" },
        { "\"\\ud800\"", "lone or misordered surrogate escape \\ud800 at byte 1" },
        { "\"\\udc00\\ud800\"", "lone or misordered surrogate escape \\udc00 at byte 1" },
        { "\"a\u0001\"", "unescaped control character U+0001 in string at byte 2" },
        { "01", "invalid number (leading zero) at byte 0" },
        { "{\"a\":1}x", "unexpected character 'x' after the value at byte 7" },
        { "", "unexpected end of input at byte 0" },
        { "\f1", "unexpected character 0x0C at byte 0" },
        { " \uFEFF1", "unexpected character 0xEF at byte 1" },
        { "{\"a\":1,\"a\":1e999999}", "number out of numeric range at byte 11" },
    };

    [Theory]
    [MemberData(nameof(WorkedExamples))]
    public void TryWriteCanonical_worked_example_matches_design_and_postgres(string input, string expected)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(input);

        string? actual = Canonical(bytes, out string? error);

        Assert.Null(error);
        Assert.Equal(expected, actual);
        byte[] forPostgres = bytes.AsSpan().StartsWith("\uFEFF"u8) ? bytes[3..] : bytes;
        Assert.Equal(expected, JsonbOracle.TextOf(db, forPostgres));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(expected))), EventHasher.ComputeHashHex(bytes));
    }

    [Theory]
    [MemberData(nameof(Rejections))]
    public void TryComputeHash_invalid_input_returns_reason_with_offset(string input, string reason)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(input);
        Span<byte> hash = stackalloc byte[EventHasher.HashSizeInBytes];

        bool ok = EventHasher.TryComputeHash(bytes, hash, out string? error);

        Assert.False(ok);
        Assert.Equal(reason, error);
        Assert.Null(JsonbOracle.TextOf(db, bytes));
    }

    [Theory]
    [InlineData(new byte[] { 0x22, 0xC0, 0x80, 0x22 }, "invalid UTF-8 at byte 1")]
    [InlineData(new byte[] { 0x22, 0xED, 0xA0, 0x80, 0x22 }, "invalid UTF-8 at byte 1")]
    [InlineData(new byte[] { 0x22, 0x61, 0xF4, 0x90, 0x80, 0x80, 0x22 }, "invalid UTF-8 at byte 2")]
    [InlineData(new byte[] { 0x22, 0x61, 0x62, 0xFF, 0x22 }, "invalid UTF-8 at byte 3")]
    public void TryComputeHash_invalid_utf8_is_rejected_like_postgres(byte[] input, string reason)
    {
        Span<byte> hash = stackalloc byte[EventHasher.HashSizeInBytes];

        Assert.False(EventHasher.TryComputeHash(input, hash, out string? error));
        Assert.Equal(reason, error);
        Assert.Null(JsonbOracle.TextOf(db, input));
    }

    [Fact]
    public void ComputeHashHex_invalid_input_throws_FormatException_with_reason()
    {
        FormatException e = Assert.Throws<FormatException>(() => EventHasher.ComputeHashHex("{\"a\":+1}"u8));

        Assert.Equal("unexpected character '+' at byte 5", e.Message);
    }

    [Fact]
    public void TryComputeHash_destination_too_short_throws()
    {
        Assert.Throws<ArgumentException>(() => EventHasher.TryComputeHash("1"u8, new byte[31], out _));
    }

    [Fact]
    public void TryComputeHash_numbers_at_numeric_limits_agree_with_postgres()
    {
        string[] inputs =
        [
            "1e131071", "9.99e131071", "1e131072", "0.00001e131076", "0.00001e131077", "1" + new string('0', 131071),
            "1" + new string('0', 131072), "1e-16383", "1e-16384", "0e-16383", "0e-16384", "0." + new string('0', 16383),
            "0." + new string('0', 16384), "1e1073741822", "0e1073741822", "0e1073741823", "-0e-1073741822", "1e-99999999999999999999",
            "1e300", "-1e-400", "123456789012345678901234567890e-40", "-0.000e3", "10e131070", "0.1e131072", "0.1e131073",
            "1.0e-16382", "1.00e-16382", "12345678901234567890.5e-16363", "12345678901234567890.5e-16364", "1e+0000", "-0e-0",
            "1.234567e3", "5e-1", "0.5e1", "123e-2", "-123.4500e10", "0." + new string('0', 16390) + "1e16391", "1e2147483648",
            "1e-2147483649", "[1e1073741823]", "[-1e-1073741823]",
        ];

        AssertAgreesWithPostgres(inputs.Select(Encoding.UTF8.GetBytes).ToList());
    }

    [Fact]
    public void TryComputeHash_nesting_depth_agrees_with_postgres_away_from_the_limit()
    {
        // PostgreSQL's limit is its stack (max_stack_depth); these depths are clear of it on either side.
        byte[][] inputs =
        [
            Encoding.UTF8.GetBytes(new string('[', 14000) + new string(']', 14000)),
            Encoding.UTF8.GetBytes(new string('[', 15500) + new string(']', 15500)),
            Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 12500)) + "1" + new string('}', 12500)),
            Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 14000)) + "1" + new string('}', 14000)),
            Encoding.UTF8.GetBytes(new string('[', 100_000) + new string(']', 100_000)),
        ];

        AssertAgreesWithPostgres(inputs);
    }

    [Property(MaxTest = 25)]
    public Property TryWriteCanonical_valid_json_matches_postgres_jsonb_text_and_hash() =>
        Prop.ForAll(Gen.ListOf(JsonTextGen.Value, 40).ToArbitrary(), texts =>
        {
            List<byte[]> inputs = texts.Select(JsonTextGen.ToBytes).ToList();
            AssertAgreesWithPostgres(inputs, requireAllValid: true);
        });

    [Property(MaxTest = 25)]
    public Property TryComputeHash_rejects_exactly_what_postgres_rejects() =>
        Prop.ForAll(Gen.ListOf(JsonTextGen.Suspect, 40).ToArbitrary(), texts =>
        {
            List<byte[]> inputs = texts.Select(JsonTextGen.ToBytes).Where(b => !b.AsSpan().StartsWith("\uFEFF"u8)).ToList();
            AssertAgreesWithPostgres(inputs);
        });

    [Property(MaxTest = 200)]
    public Property ComputeHashHex_is_invariant_under_key_order_white_space_escapes_and_number_spelling() =>
        Prop.ForAll(EquivalentPair.ToArbitrary(), pair =>
        {
            string first = EventHasher.ComputeHashHex(JsonTextGen.ToBytes(pair.Plain));
            string second = EventHasher.ComputeHashHex(JsonTextGen.ToBytes(pair.Disguised));
            Assert.Equal(first, second);
        });

    [Fact]
    public void TryComputeHash_transaction_line_allocates_nothing_after_warm_up()
    {
        byte[] line = Encoding.UTF8.GetBytes(TransactionLine);
        byte[] hash = new byte[EventHasher.HashSizeInBytes];
        for (int i = 0; i < 100; i++)
        {
            EventHasher.TryComputeHash(line, hash, out _);
        }

        // The best of three rounds: per-call allocation shows in every round, a one-off runtime allocation does not.
        long allocated = long.MaxValue;
        bool all = true;
        for (int round = 0; round < 3 && allocated != 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++)
            {
                all &= EventHasher.TryComputeHash(line, hash, out _);
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.True(all);
        Assert.Equal(0, allocated);
        Assert.Equal(JsonbOracle.Evaluate(db, [line])[0].Hash, Convert.ToHexStringLower(hash));
    }

    [Fact]
    public void TryWriteCanonical_transaction_line_matches_postgres()
    {
        byte[] line = Encoding.UTF8.GetBytes(TransactionLine);

        Assert.Equal(JsonbOracle.TextOf(db, line), Canonical(line, out _));
    }

    private void AssertAgreesWithPostgres(IReadOnlyList<byte[]> inputs, bool requireAllValid = false)
    {
        IReadOnlyList<(string? Text, string? Hash)> expected = JsonbOracle.Evaluate(db, inputs);
        Assert.Equal(inputs.Count, expected.Count);
        Span<byte> hash = stackalloc byte[EventHasher.HashSizeInBytes];
        for (int i = 0; i < inputs.Count; i++)
        {
            string? text = Canonical(inputs[i], out string? error);
            bool hashed = EventHasher.TryComputeHash(inputs[i], hash, out _);
            string shown = Describe(inputs[i]);
            if (expected[i].Text is null)
            {
                Assert.False(requireAllValid, "PostgreSQL rejected a generated valid text: " + shown);
                Assert.True(text is null, $"accepted what PostgreSQL rejects: {shown} -> {text}");
                Assert.False(hashed);
            }
            else
            {
                Assert.True(text is not null, $"rejected what PostgreSQL accepts: {shown}: {error}");
                Assert.Equal(expected[i].Text, text);
                Assert.True(hashed);
                Assert.Equal(expected[i].Hash, Convert.ToHexStringLower(hash));
            }
        }
    }

    private static string Describe(byte[] input) =>
        input.Length > 300 ? $"{input.Length} bytes starting {Convert.ToHexString(input.AsSpan(0, 40))}" : Encoding.UTF8.GetString(input) + " [" + Convert.ToHexString(input) + "]";

    private static string? Canonical(byte[] input, out string? error)
    {
        var writer = new ArrayBufferWriter<byte>();
        return EventHasher.TryWriteCanonical(input, writer, out error) ? Encoding.UTF8.GetString(writer.WrittenSpan) : null;
    }

    private static Gen<string> PlainKey { get; } =
        Gen.Choose(0, 6).SelectMany(n => Gen.ListOf(Gen.Elements("a", "B", "z", "0", "_", " ", "é", "😀", "中", "/"), n)).Select(p => string.Concat(p));

    internal sealed record Pair(string Plain, string Disguised);

    // An object with distinct keys, written once plainly and once shuffled, spaced, with keys escaped as \uXXXX
    // and plain decimals respelled with an exponent (1.25 -> 125e-2 keeps value and scale).
    private static Gen<Pair> EquivalentPair { get; } =
        from count in Gen.Choose(0, 8)
        from keys in Gen.ListOf(PlainKey, count)
        from values in Gen.ListOf(JsonTextGen.Value, count)
        from numbers in Gen.ListOf(Gen.Choose(0, 99999).SelectMany(a => Gen.Choose(0, 6).Select(s => (a, s))), count)
        from order in Gen.Shuffle(Enumerable.Range(0, count))
        from spaces in Gen.ListOf(JsonTextGen.WhiteSpace, 4 * count + 2)
        let distinct = keys.Select((k, i) => "k" + i.ToString(CultureInfo.InvariantCulture) + k).ToList()
        select new Pair(
            "{" + string.Join(",", Enumerable.Range(0, count).Select(i => "\"" + distinct[i] + "\":[" + values[i] + "," + Plain(numbers[i]) + "]")) + "}",
            spaces[^1] + "{" + string.Join(",", order.Select((i, n) =>
                spaces[4 * n] + "\"" + EscapeLetters(distinct[i]) + "\"" + spaces[(4 * n) + 1] + ":" + spaces[(4 * n) + 2] + "[" + values[i] + "," + Respelled(numbers[i]) + "]" + spaces[(4 * n) + 3])) + "}" + spaces[^2]);

    private static string Plain((int Digits, int Scale) n)
    {
        string digits = n.Digits.ToString(CultureInfo.InvariantCulture).PadLeft(n.Scale + 1, '0');
        return n.Scale == 0 ? digits : digits[..^n.Scale] + "." + digits[^n.Scale..];
    }

    private static string Respelled((int Digits, int Scale) n) =>
        n.Digits.ToString(CultureInfo.InvariantCulture) + "e-" + n.Scale.ToString(CultureInfo.InvariantCulture);

    private static string EscapeLetters(string key) =>
        string.Concat(key.Select(c => char.IsAsciiLetter(c) ? "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture) : c.ToString()));
}
