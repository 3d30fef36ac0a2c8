using System.Text;
using Lakehouse.Ingest.Tests.Hashing;
using Lakehouse.Testing;
using Npgsql;

namespace Lakehouse.Ingest.Tests.Contract;

/// <summary>
/// One test per discrepancy found against DESIGN.md's "Transaction event" and "Event hash" contracts; each name
/// says the rule it holds the reader to.
/// </summary>
public sealed class ContractRegressionTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    private const string First = """{"store_id":"1","peso_value":1}""";

    // Reads First, then json as line 2, then First again as line 3 (so "the lines around it still go through").
    private static (TransactionEvent? Event, IngestError Error) ReadSecond(string json, IngestOptions? options = null) =>
        ReadSecond(Encoding.UTF8.GetBytes(json), options);

    private static (TransactionEvent? Event, IngestError Error) ReadSecond(byte[] json, IngestOptions? options = null)
    {
        byte[] input = [.. Encoding.UTF8.GetBytes(First + "\n"), .. json, .. Encoding.UTF8.GetBytes("\n" + First)];
        using JsonlReader reader = JsonlReader.Create(input, options);
        Assert.True(reader.Read() && reader.IsValid);
        Assert.True(reader.Read());
        (TransactionEvent?, IngestError) result = reader.IsValid ? (reader.Record.ToEvent(), default) : (null, reader.Error);
        Assert.True(reader.Read() && reader.IsValid && reader.LineNumber == 3);
        Assert.False(reader.Read());
        return result;
    }

    // Rule (Event hash, Input): lone or misordered surrogate escapes are refused as a bad line with its reason.
    // Before: System.Text.Json threw InvalidOperationException out of Read() when a known field held one.
    [Theory]
    [InlineData("""{"store_id":"\ud800","peso_value":1}""")]
    [InlineData("""{"store\ud800_id":"1","peso_value":1}""")]
    [InlineData("""{"store_id":"1","peso_value":1,"location":{"city":"\udc00"}}""")]
    [InlineData("""{"store_id":"1","peso_value":1,"items":[{"sku":"\udc00\ud800"}]}""")]
    [InlineData("""{"store_id":"1","peso_value":1,"ts":"\ud83d\u0041"}""")]
    public void Read_lone_surrogate_in_a_known_field_is_a_rejected_line_not_an_exception(string json)
    {
        IngestError error = ReadSecond(json).Error;
        int at = json.IndexOf('\\', StringComparison.Ordinal);

        Assert.Equal(IngestErrorReason.RejectedByJsonb, error.Reason);
        Assert.Equal(2, error.LineNumber);
        Assert.Equal(First.Length + 1, error.ByteOffset);
        Assert.Contains("surrogate", error.Message, StringComparison.Ordinal);
        Assert.Contains($"at byte {at} of line 2, byte {First.Length + 1 + at} of the input", error.Message, StringComparison.Ordinal);
    }

    // Rule (Event hash): every line PostgreSQL 15 accepts as a jsonb object hashes like it. Before: lines nested
    // deeper than 256 levels (System.Text.Json's MaxDepth) were rejected as invalid JSON.
    [Theory]
    [InlineData(300)]
    [InlineData(5000)]
    public void Read_nesting_deeper_than_256_that_postgres_accepts_is_accepted_with_its_hash(int depth)
    {
        byte[] line = Encoding.UTF8.GetBytes("""{"store_id":"1","peso_value":1,"deep":""" + new string('[', depth) + new string(']', depth) + "}");

        (TransactionEvent? e, IngestError error) = ReadSecond(line);

        Assert.True(e is not null, error.Message);
        Assert.Equal(JsonbOracle.Evaluate(db, [line])[0].Hash, e.EventHash);
    }

    [Fact]
    public void CreateForJsonBody_element_nested_deeper_than_256_is_accepted()
    {
        byte[] body = Encoding.UTF8.GetBytes("""[{"store_id":"1","peso_value":1,"deep":""" + new string('[', 1000) + new string(']', 1000) + "}]");

        using JsonlReader reader = JsonlReader.CreateForJsonBody(body);

        Assert.True(reader.Read());
        Assert.True(reader.IsValid, reader.Error.Message);
    }

    // Rule (Event hash): agreement for every line PostgreSQL accepts. PostgreSQL's nesting limit is its stack, so
    // the deepest value it takes moves by a few levels with the call path (bound parameter, SQL literal, PL/pgSQL);
    // the emulation must sit within a few levels of PostgreSQL's with the line as a bound parameter, the contract's
    // own form (the test server's exact figures are 14531 arrays / 13078 objects).
    [Fact]
    public async Task TryComputeHash_nesting_limit_is_within_a_few_levels_of_postgres_with_a_bound_parameter()
    {
        static string Arrays(int n) => new string('[', n) + new string(']', n);
        static string Objects(int n) => string.Concat(Enumerable.Repeat("{\"a\":", n)) + "1" + new string('}', n);

        int pgArrays = await DeepestAsync(Arrays, 14000, 15000);
        int pgObjects = await DeepestAsync(Objects, 12500, 13500);
        int ourArrays = Deepest(Arrays, 14000, 15000);
        int ourObjects = Deepest(Objects, 12500, 13500);

        string found = $"PostgreSQL {pgArrays} arrays / {pgObjects} objects, EventHasher {ourArrays} / {ourObjects}";
        Assert.True(Math.Abs(pgArrays - ourArrays) <= 12, found);
        Assert.True(Math.Abs(pgObjects - ourObjects) <= 12, found);
        Assert.True(ourArrays == 14531 && ourObjects == 13078, found);
    }

    private static int Deepest(Func<int, string> json, int low, int high)
    {
        byte[] hash = new byte[EventHasher.HashSizeInBytes];
        while (low < high)
        {
            int mid = (low + high + 1) / 2;
            bool ok = EventHasher.TryComputeHash(Encoding.UTF8.GetBytes(json(mid)), hash, out _);
            (low, high) = ok ? (mid, high) : (low, mid - 1);
        }

        return low;
    }

    private async Task<int> DeepestAsync(Func<int, string> json, int low, int high)
    {
        while (low < high)
        {
            int mid = (low + high + 1) / 2;
            bool ok;
            try
            {
                await using NpgsqlCommand command = db.DataSource.CreateCommand("SELECT encode(sha256(convert_to($1::jsonb::text, 'UTF8')), 'hex')");
                command.Parameters.AddWithValue(json(mid));
                ok = await command.ExecuteScalarAsync() is string;
            }
            catch (PostgresException e) when (e.SqlState == "54001")
            {
                ok = false; // stack depth limit exceeded
            }

            (low, high) = ok ? (mid, high) : (low, mid - 1);
        }

        return low;
    }

    // Rule (Event hash, Objects): the last duplicate wins at every depth, so only its value is checked against the
    // contract. Before: an overwritten location.* or item field still rejected the line.
    [Theory]
    [InlineData("""{"store_id":"1","peso_value":1,"location":{"region":5,"region":"NCR"}}""")]
    [InlineData("""{"store_id":"1","peso_value":1,"location":{"city":{},"ci\u0074y":"Makati"}}""")]
    [InlineData("""{"store_id":"1","peso_value":1,"items":[{"sku":"a","qty":-1,"qty":2}]}""")]
    [InlineData("""{"store_id":"1","peso_value":1,"items":[{"sku":"a","category":"toys","category":"snacks"}]}""")]
    [InlineData("""{"store_id":"1","peso_value":1,"items":[{"sku":5,"sku":"a","unit_price":-5,"unit_price":5}]}""")]
    public void Read_nested_duplicate_key_last_wins_and_only_it_is_checked(string json)
    {
        (TransactionEvent? e, IngestError error) = ReadSecond(json);

        Assert.True(e is not null, error.Message);
    }

    [Theory]
    [InlineData("""{"store_id":"1","peso_value":1,"location":{"region":"NCR","region":5}}""", "location.region")]
    [InlineData("""{"store_id":"1","peso_value":1,"items":[{"sku":"a","qty":2,"q\u0074y":-1}]}""", "items[0].qty")]
    [InlineData("""{"store_id":"1","peso_value":1,"items":[{"sku":"a","sku":null}]}""", "items[0].sku")]
    public void Read_nested_duplicate_key_last_value_breaking_a_rule_is_rejected(string json, string field)
    {
        IngestError error = ReadSecond(json).Error;

        Assert.Equal(field, error.Field);
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    // Rule (Event hash, Objects): "though the overwritten value must still be valid".
    [Theory]
    [InlineData("""{"store_id":"1","peso_value":01,"peso_value":1}""", IngestErrorReason.InvalidJson)]
    [InlineData("""{"store_id":"1","peso_value":1e999999,"peso_value":1}""", IngestErrorReason.RejectedByJsonb)]
    [InlineData("""{"store_id":"1","location":{"city":"\u0000","city":"x"},"peso_value":1}""", IngestErrorReason.RejectedByJsonb)]
    public void Read_overwritten_duplicate_must_still_be_valid_json_and_jsonb(string json, IngestErrorReason reason)
    {
        Assert.Equal(reason, ReadSecond(json).Error.Reason);
    }

    // Rule (Transaction event): payment_method cash|gcash|maya|card|other, customer_type new|returning|vip|churned,
    // category beverages|snacks|...: the listed words exactly. Before: any ASCII case was accepted.
    [Theory]
    [InlineData("""{"store_id":"1","peso_value":1,"payment_method":"GCash"}""", "payment_method")]
    [InlineData("""{"store_id":"1","peso_value":1,"payment_method":"CASH"}""", "payment_method")]
    [InlineData("""{"store_id":"1","peso_value":1,"customer_type":"VIP"}""", "customer_type")]
    [InlineData("""{"store_id":"1","peso_value":1,"items":[{"sku":"a","category":"Snacks"}]}""", "items[0].category")]
    public void Read_enum_value_in_another_case_is_rejected(string json, string field)
    {
        IngestError error = ReadSecond(json).Error;

        Assert.Equal(IngestErrorReason.UnknownEnumValue, error.Reason);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Read_enum_value_spelled_with_escapes_is_the_same_value()
    {
        TransactionEvent? e = ReadSecond("""{"store_id":"1","peso_value":1,"payment_method":"g\u0063ash","customer_type":"\u0076ip"}""").Event;

        Assert.Equal(PaymentMethod.GCash, e?.PaymentMethod);
        Assert.Equal(CustomerType.Vip, e?.CustomerType);
    }

    // Rule (Transaction event): ts is ISO-8601 with an offset. Before: a space separator was accepted (not
    // ISO-8601) and a leap second or 24:00:00 (both ISO-8601, both read by PostgreSQL) was refused.
    [Theory]
    [InlineData("2026-11-21T14:05:00+08:00", "2026-11-21T06:05:00.0000000Z")]
    [InlineData("2026-11-21t06:05:00z", "2026-11-21T06:05:00.0000000Z")]
    [InlineData("2026-11-21T06:05:00.123456789Z", "2026-11-21T06:05:00.1234567Z")]
    [InlineData("2026-12-31T23:59:60Z", "2027-01-01T00:00:00.0000000Z")]
    [InlineData("2026-11-21T24:00:00+08:00", "2026-11-21T16:00:00.0000000Z")]
    [InlineData("2026-11-21T14:05+0800", "2026-11-21T06:05:00.0000000Z")]
    [InlineData("2026-11-21T14:05:00+08", "2026-11-21T06:05:00.0000000Z")]
    public void Read_ts_iso8601_with_offset_is_accepted(string ts, string utc)
    {
        TransactionEvent? e = ReadSecond($$"""{"store_id":"1","peso_value":1,"ts":"{{ts}}"}""").Event;

        Assert.Equal(utc, e?.Timestamp?.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2026-11-21 14:05:00+08:00")]
    [InlineData("2026-11-21T14:05:00")]
    [InlineData("2026-11-21")]
    [InlineData("2026-11-21T14:05:00+15:00")]
    [InlineData("20261121T140500Z")]
    [InlineData("2026-11-21T24:00:01Z")]
    [InlineData("2026-11-21T14:05:61Z")]
    [InlineData("2026-11-21T14:05:00.Z")]
    [InlineData("9999-12-31T23:59:60Z")]
    public void Read_ts_not_iso8601_with_offset_is_rejected(string ts)
    {
        IngestError error = ReadSecond($$"""{"store_id":"1","peso_value":1,"ts":"{{ts}}"}""").Error;

        Assert.Equal(IngestErrorReason.InvalidTimestamp, error.Reason);
        Assert.Equal("ts", error.Field);
        Assert.Contains(ts, error.Message, StringComparison.Ordinal);
    }

    // Rule (Transaction event): unknown fields are kept in bronze and ignored; location holds {region, province,
    // city, barangay}. Before: any other key inside location had to be a string.
    [Fact]
    public void Read_location_unknown_key_of_any_type_is_ignored()
    {
        TransactionEvent? e = ReadSecond("""{"store_id":"1","peso_value":1,"location":{"city":"Makati","zip":1200,"geo":[14.5,121.0]}}""").Event;

        Assert.Equal("Makati", e?.Location?.City);
    }

    // Rule (Transaction event): rejected "with its line number, byte offset and a reason": messages say where.
    [Theory]
    [InlineData("""{"store_id":"1","peso_value":1,"a":x}""", IngestErrorReason.InvalidJson, "not valid JSON: unexpected character 'x' (at byte 35 of line 2, byte 67 of the input)")]
    [InlineData("""{"store_id":"1","peso_value":1,"a":"\u0000"}""", IngestErrorReason.RejectedByJsonb, "refused by PostgreSQL's jsonb input rules: invalid escape \\u0000 (at byte 36 of line 2, byte 68 of the input)")]
    [InlineData("""{"store_id":"1","peso_value":-1}""", IngestErrorReason.OutOfRange, "peso_value -1 is negative (at byte 29 of line 2, byte 61 of the input)")]
    [InlineData("""{"peso_value":1}""", IngestErrorReason.MissingField, "store_id is required (line 2, starting at byte 32 of the input)")]
    [InlineData("""[1]""", IngestErrorReason.NotAnObject, "the line is an array, not a JSON object (at byte 0 of line 2, byte 32 of the input)")]
    public void Read_rejection_message_says_what_and_where(string json, IngestErrorReason reason, string message)
    {
        IngestError error = ReadSecond(json).Error;

        Assert.Equal(reason, error.Reason);
        Assert.Equal(message, error.Message);
    }

    // Rule (Event hash, Input): a UTF-8 BOM is skipped at the very start of the input only; elsewhere it is a bad line.
    [Fact]
    public void Read_bom_at_the_start_of_a_later_line_is_rejected_as_invalid_json()
    {
        IngestError error = ReadSecond([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(First)]).Error;

        Assert.Equal(IngestErrorReason.InvalidJson, error.Reason);
        Assert.Contains("byte order mark", error.Message, StringComparison.Ordinal);
    }
}
