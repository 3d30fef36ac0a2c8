using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Lakehouse.Medallion.Tests;

/// <summary>
/// Silver's span reader (<see cref="EventReader"/>) against the document-based parse it replaced
/// (<see cref="EventFields.TryParse"/>): the same fields, decimals with the same scale, the same errors.
/// </summary>
public sealed class EventReaderTests
{
    public static TheoryData<string> Tricky =>
    [
        """{"store_id":"S1","peso_value":150.50}""",
        """{"store_id":"A","store_id":"B","peso_value":1,"peso_value":2.0}""",
        """{"store_id":"A","peso_value":1,"customer_id":"C1","customer_id":5,"payment_method":"cash","payment_method":null}""",
        """{"store\u005fid":"S\u00e9","peso_value":1e2,"transaction_id":"t\"x\\y","device_id":"d\/1"}""",
        """{"store_id":"S1","peso_value":15e-1,"handshake_score":1.50e1,"items":[{"qty":-0,"unit_price":-0.0,"discount":1e-7}]}""",
        """{"store_id":"S1","peso_value":1E+2,"items":[{"sku":"P1","qty":2,"qty":3,"unit_price":"4","brand":7,"category":"snacks"}]}""",
        """{"store_id":"S1","peso_value":1,"items":{"sku":"P1"}}""",
        """{"store_id":"S1","peso_value":1,"items":[]}""",
        """{"store_id":"S1","peso_value":1,"items":[{"sku":"P1","x":{"y":[1,{"z":2}]}},{"product_id":"Q","sku":"P2"}],"items":[{"sku":"P3"}]}""",
        """{"store_id":"S1","peso_value":1,"items":[{"sku":"P1"}],"items":null}""",
        """{"store_id":"S1","peso_value":1,"items":[1]}""",
        """{"store_id":"S1","peso_value":1,"items":[{"sku":"P1"},[2]]}""",
        """{"store_id":"S1","peso_value":1,"items":[1],"items":[]}""",
        """{"store_id":"S1","peso_value":1,"location":"Quezon City"}""",
        """{"store_id":"S1","peso_value":1,"location":{"region":"NCR","city":"Quezon City","city":"Makati"},"location":{"province":"Cebu"}}""",
        """{"store_id":"S1","peso_value":1,"location":{"region":"NCR"},"location":[]}""",
        """{"store_id":"S1","peso_value":1,"location":{"barangay":"\ud800"}}""",
        """{"store_id":"S1","peso_value":1,"other":"\ud800"}""",
        """{"store_id":"S1","peso_value":1,"location":{"city":"Las Pi\u00f1as","barangay":"Pulang Lupa \ud83d\ude00"}}""",
        """{"store_id":"S1","peso_value":1e400}""",
        """{"store_id":"S1","peso_value":1,"handshake_score":1e40}""",
        """{"store_id":"S1","peso_value":1,"items":[{"qty":1e30}]}""",
        """{"store_id":"S1","peso_value":1e400,"peso_value":2}""",
        """{"store_id":"S1","peso_value":0.12345678901234567890123456789012345678}""",
        """{"peso_value":1}""",
        """{"store_id":1,"peso_value":1}""",
        """{"store_id":"S1"}""",
        """{"store_id":"S1","peso_value":"1"}""",
        """{"store_id":"S1","peso_value":1,"store_id":null}""",
        """{"store_id":"S1",""",
        """{"store_id":"S1","peso_value":1} x""",
        """{"store_id":"S1","peso_value":1}  """,
        """{"store_id":"S1","peso_value":1}{}""",
        """[{"store_id":"S1","peso_value":1}]""",
        "\"x\"",
        "",
        "{}",
        "{\"store_id\":\"S1\",\"peso_value\":1,/*c*/\"x\":1}",
        "{\"store_id\":\"S1\",\"peso_value\":1,}",
        """{"store_id":"S1","peso_value":1,"ts":"2026-11-20T21:59:59Z"}""",
        """{"store_id":"S1","peso_value":1,"ts":"2026-11-21 12:00"}""",
        """{"store_id":"S1","peso_value":1,"ts":"garbage","ts":"2026-11-21T12:00:00+08:00"}""",
        """{"store_id":"S1","peso_value":1,"ts":"2026-11-21T12:00:00+08:00","ts":12}""",
        """{"store_id":"S1","peso_value":1,"ts":"2026\u002d11-21T12:00:00.1234567+08:00"}""",
        """{"store_id":"S1","peso_value":1,"customer_id":"+63 917 123 4567","customer_type":"vip","campaign_id":"C\u0041"}""",
        """{"store_id":"S1","peso_value":1,"customer_id":""}""",
        """{"store_id":"サリサリ","peso_value":1,"transaction_id":"🧾"}""",
        "{\"store_id\":\"S1\",\"peso_value\":1,\"deep\":" + new string('[', 70) + new string(']', 70) + "}",
        "{\"store_id\":\"S1\",\"peso_value\":1,\"deep\":" + new string('[', 62) + new string(']', 62) + "}",
        "{\"store_id\":\"S1\",\"peso_value\":1,\"x\":\"" + new string('a', 5000) + "\",\"customer_id\":\"" + new string('9', 3000) + "\"}",
    ];

    [Theory]
    [MemberData(nameof(Tricky))]
    public void TryRead_answers_as_the_document_parse_on_tricky_events(string raw) => AssertSame(new EventReader(), raw, "S1");

    [Property(MaxTest = 30)]
    public Property TryRead_on_generated_events_takes_the_fast_path_and_matches_the_document_parse(PositiveInt seed)
    {
        var reader = new EventReader();
        foreach (BronzeRow row in BronzeCorpus.Generate(seed.Get, 100))
        {
            AssertSame(reader, row.Raw, row.StoreId);
        }

        return (reader.Fallbacks == 0).Label("well-formed events never need the document parse");
    }

    [Property(MaxTest = 300)]
    public Property TryRead_on_mutated_events_matches_the_document_parse(PositiveInt seed, NonNegativeInt at, NonNegativeInt length, byte kind)
    {
        BronzeRow row = BronzeCorpus.Generate(seed.Get, 1)[0];
        string raw = row.Raw;
        int start = at.Get % (raw.Length + 1), count = Math.Min(length.Get % 12, raw.Length - start);
        string mutated = (kind % 4) switch
        {
            0 => raw.Remove(start, count),
            1 => raw.Insert(start, raw.Substring(start, count)), // duplicates a piece: often a repeated key
            2 => raw.Insert(start, ",\"peso_value\":1e999"[..Math.Min(19, count + 4)]),
            _ => raw.Insert(start, "\\u00e9\"}]:,{[ 0e".Substring(kind % 8, 1 + count % 4)),
        };
        AssertSame(new EventReader(), mutated, row.StoreId);
        return true.ToProperty();
    }

    [Property(MaxTest = 500)]
    public Property TryDecimal_equals_decimal_Parse_bit_for_bit_scale_included(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        string Digits(int n) => new([.. Enumerable.Range(0, n).Select(_ => (char)('0' + random.Next(10)))]);
        string whole = random.Next(4) == 0 ? "0" : (char)('1' + random.Next(9)) + Digits(random.Next(0, 20));
        string text = (random.Next(6) == 0 ? "-" : "") + whole
            + (random.Next(2) == 0 ? "." + Digits(1 + random.Next(0, 20)) : "")
            + (random.Next(8) == 0 ? "e" + (random.Next(2) == 0 ? "-" : "") + random.Next(0, 40).ToString(CultureInfo.InvariantCulture) : "");

        bool ok = EventReader.TryDecimal(Encoding.ASCII.GetBytes(text), out decimal fast);
        bool expectedOk = decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal expected);
        return (ok == expectedOk && decimal.GetBits(fast).SequenceEqual(decimal.GetBits(expected))).Label(text);
    }

    private static void AssertSame(EventReader reader, string raw, string storeHint)
    {
        bool expectedOk = EventFields.TryParse(raw, out EventFields? expected, out string? expectedError);
        bool ok = reader.TryRead(raw, storeHint, out string? error);
        Assert.Equal(expectedOk, ok);
        Assert.Equal(expectedError, error);
        if (ok)
        {
            Assert.Equal(Text(expected!), Text(reader.Event));
        }
    }

    private static string Text(EventFields e) => Join(
        e.StoreId, e.TransactionId, e.DeviceId, e.Ts, e.PesoValue, e.PaymentMethod, e.CustomerId, e.CustomerType, e.CampaignId,
        e.HandshakeScore, e.Region, e.Province, e.City, string.Join(';', e.Items.Select(i => Join(i.Sku, i.ProductId, i.Brand, i.Category, i.Qty, i.UnitPrice, i.Discount))));

    private static string Text(ParsedEvent e) => Join(
        e.StoreId, e.TransactionId, e.DeviceId, e.Ts, e.PesoValue, e.PaymentMethod, e.HasCustomer ? e.CustomerId.ToString() : null, e.CustomerType,
        e.CampaignId, e.HandshakeScore, e.Region, e.Province, e.City,
        string.Join(';', e.Items.Take(e.ItemCount).Select(i => Join(i.Sku, i.ProductId, i.Brand, i.Category, i.Qty, i.UnitPrice, i.Discount))));

    // Decimals with their scale (1.50 is not 1.5 here), times with their offset and ticks, null apart from empty.
    private static string Join(params object?[] values)
    {
        var b = new StringBuilder();
        foreach (object? v in values)
        {
            b.Append(v switch
            {
                null => "<null>",
                DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
                decimal d => d.ToString(CultureInfo.InvariantCulture) + "/" + d.Scale.ToString(CultureInfo.InvariantCulture),
                _ => Convert.ToString(v, CultureInfo.InvariantCulture),
            }).Append('|');
        }

        return b.ToString();
    }
}
