using System.Text;

namespace Lakehouse.Ingest.Tests;

public sealed class ValidationTests
{
    private static IngestError? Check(string json, IngestOptions? options = null)
    {
        using JsonlReader reader = JsonlReader.Create(Encoding.UTF8.GetBytes("{\"store_id\":\"1\",\"peso_value\":1}\n" + json + "\n"), options);
        Assert.True(reader.Read());
        Assert.True(reader.IsValid);
        Assert.True(reader.Read());
        IngestError? result = reader.IsValid ? null : reader.Error;
        Assert.False(reader.Read());
        return result;
    }

    [Theory]
    [InlineData("""{"store_id":"102","peso_value":150.50}""")]
    [InlineData("""{"store_id":"102","peso_value":0}""")]
    [InlineData("""{"store_id":"102","peso_value":-0.0}""")]
    [InlineData("""{"store_id":"102","peso_value":1e-400}""")]
    [InlineData("""{"store_id":"102","peso_value":9999999.99}""")]
    [InlineData("""{"store_id":"102","peso_value":25000000}""")] // DESIGN.md: peso_value is a number >= 0, no ceiling
    [InlineData("""{"store_id":"102","peso_value":9999999999999999999999999999.99}""")]
    [InlineData("""{"store_id":"102","peso_value":1,"payment_method":"gcash","customer_type":"vip"}""")]
    [InlineData("""{"store_id":"102","peso_value":1,"ts":"2026-11-21T14:05:00+08:00"}""")]
    [InlineData("""{"store_id":"102","peso_value":1,"ts":"2026-11-21T06:05:00.123456789Z"}""")]
    [InlineData("""{"store_id":"102","peso_value":1,"ts":"2026-11-21T14:05+0800"}""")]
    [InlineData("""{"store_id":"102","peso_value":1,"handshake_score":1.000}""")]
    [InlineData("""{"store_id":"102","peso_value":1,"handshake_score":0}""")]
    [InlineData("""{"store_id":"102","peso_value":1,"items":[{"product_id":"p1","qty":0.25,"unit_price":0,"discount":0}]}""")]
    [InlineData("""{"store_id":"102","peso_value":1,"items":[],"location":{"region":"NCR","city":null,"extra":"x"}}""")]
    [InlineData("""{"store_id":"102","peso_value":1,"unknown":{"deep":[1,2,{"x":null}]},"device_id":null}""")]
    [InlineData("""{"store_id":5,"store_id":"5","peso_value":-1,"peso_value":1}""")] // last duplicate wins, as in jsonb
    [InlineData("""{"store_\u0069d":"\u0031\u0030\u0032","peso_value":1}""")]
    public void Read_valid_events_are_accepted(string json) => Assert.Null(Check(json));

    [Theory]
    [InlineData("""{"peso_value":1}""", IngestErrorReason.MissingField, "store_id")]
    [InlineData("""{"store_id":null,"peso_value":1}""", IngestErrorReason.MissingField, "store_id")]
    [InlineData("""{"store_id":"","peso_value":1}""", IngestErrorReason.EmptyValue, "store_id")]
    [InlineData("""{"store_id":102,"peso_value":1}""", IngestErrorReason.WrongType, "store_id")]
    [InlineData("""{"store_id":"102"}""", IngestErrorReason.MissingField, "peso_value")]
    [InlineData("""{"store_id":"102","peso_value":"150.50"}""", IngestErrorReason.WrongType, "peso_value")]
    [InlineData("""{"store_id":"102","peso_value":-0.01}""", IngestErrorReason.OutOfRange, "peso_value")]
    [InlineData("""{"store_id":"102","peso_value":-1e-400}""", IngestErrorReason.OutOfRange, "peso_value")]
    [InlineData("""{"store_id":"102","peso_value":1e400}""", IngestErrorReason.OutOfRange, "peso_value")]
    [InlineData("""{"store_id":"102","peso_value":1e28}""", IngestErrorReason.OutOfRange, "peso_value")]
    [InlineData("""{"store_id":"102","peso_value":1,"transaction_id":7}""", IngestErrorReason.WrongType, "transaction_id")]
    [InlineData("""{"store_id":"102","peso_value":1,"device_id":[]}""", IngestErrorReason.WrongType, "device_id")]
    [InlineData("""{"store_id":"102","peso_value":1,"customer_id":true}""", IngestErrorReason.WrongType, "customer_id")]
    [InlineData("""{"store_id":"102","peso_value":1,"campaign_id":{}}""", IngestErrorReason.WrongType, "campaign_id")]
    [InlineData("""{"store_id":"102","peso_value":1,"payment_method":"bitcoin"}""", IngestErrorReason.UnknownEnumValue, "payment_method")]
    [InlineData("""{"store_id":"102","peso_value":1,"payment_method":" cash"}""", IngestErrorReason.UnknownEnumValue, "payment_method")]
    [InlineData("""{"store_id":"102","peso_value":1,"customer_type":"old"}""", IngestErrorReason.UnknownEnumValue, "customer_type")]
    [InlineData("""{"store_id":"102","peso_value":1,"handshake_score":1.0001}""", IngestErrorReason.OutOfRange, "handshake_score")]
    [InlineData("""{"store_id":"102","peso_value":1,"handshake_score":-1e-9}""", IngestErrorReason.OutOfRange, "handshake_score")]
    [InlineData("""{"store_id":"102","peso_value":1,"handshake_score":"0.5"}""", IngestErrorReason.WrongType, "handshake_score")]
    [InlineData("""{"store_id":"102","peso_value":1,"ts":"2026-11-21T14:05:00"}""", IngestErrorReason.InvalidTimestamp, "ts")]
    [InlineData("""{"store_id":"102","peso_value":1,"ts":"2026-02-30T14:05:00Z"}""", IngestErrorReason.InvalidTimestamp, "ts")]
    [InlineData("""{"store_id":"102","peso_value":1,"ts":"21/11/2026 14:05 +08:00"}""", IngestErrorReason.InvalidTimestamp, "ts")]
    [InlineData("""{"store_id":"102","peso_value":1,"ts":1763705100}""", IngestErrorReason.WrongType, "ts")]
    [InlineData("""{"store_id":"102","peso_value":1,"items":{}}""", IngestErrorReason.WrongType, "items")]
    [InlineData("""{"store_id":"102","peso_value":1,"items":[1]}""", IngestErrorReason.WrongType, "items[0]")]
    [InlineData("""{"store_id":"102","peso_value":1,"items":[{"sku":"a"},{"qty":1}]}""", IngestErrorReason.MissingField, "items[1].sku")]
    [InlineData("""{"store_id":"102","peso_value":1,"items":[{"sku":"a","qty":0}]}""", IngestErrorReason.OutOfRange, "items[0].qty")]
    [InlineData("""{"store_id":"102","peso_value":1,"items":[{"sku":"a","qty":"2"}]}""", IngestErrorReason.WrongType, "items[0].qty")]
    [InlineData("""{"store_id":"102","peso_value":1,"items":[{"sku":"a","unit_price":-5}]}""", IngestErrorReason.OutOfRange, "items[0].unit_price")]
    [InlineData("""{"store_id":"102","peso_value":1,"items":[{"sku":"a","discount":-0.5}]}""", IngestErrorReason.OutOfRange, "items[0].discount")]
    [InlineData("""{"store_id":"102","peso_value":1,"items":[{"sku":"a","category":"toys"}]}""", IngestErrorReason.UnknownEnumValue, "items[0].category")]
    [InlineData("""{"store_id":"102","peso_value":1,"items":[{"sku":5}]}""", IngestErrorReason.WrongType, "items[0].sku")]
    [InlineData("""{"store_id":"102","peso_value":1,"location":"Manila"}""", IngestErrorReason.WrongType, "location")]
    [InlineData("""{"store_id":"102","peso_value":1,"location":{"city":1}}""", IngestErrorReason.WrongType, "location.city")]
    [InlineData("""[{"store_id":"102","peso_value":1}]""", IngestErrorReason.NotAnObject, null)]
    [InlineData("42", IngestErrorReason.NotAnObject, null)]
    [InlineData("""{"store_id":"102","peso_value":1""", IngestErrorReason.InvalidJson, null)]
    [InlineData("""{"store_id":"102","peso_value":1} {}""", IngestErrorReason.InvalidJson, null)]
    [InlineData("""{'store_id':'102'}""", IngestErrorReason.InvalidJson, null)]
    [InlineData("""{"store_id":"102","peso_value":01}""", IngestErrorReason.InvalidJson, null)]
    public void Read_rule_violations_name_reason_and_field(string json, IngestErrorReason reason, string? field)
    {
        IngestError? error = Check(json);

        Assert.NotNull(error);
        Assert.Equal(reason, error.Value.Reason);
        Assert.Equal(field, error.Value.Field);
        Assert.Equal(2, error.Value.LineNumber);
        Assert.Equal(32, error.Value.ByteOffset);
        Assert.False(string.IsNullOrWhiteSpace(error.Value.Message));
    }

    [Fact]
    public void Read_error_message_names_value_and_limit()
    {
        IngestError? error = Check("""{"store_id":"102","peso_value":1e400}""", new IngestOptions { MaxPesoValue = 500m });
        Assert.Equal("peso_value 1e400 is not below MaxPesoValue 500 (at byte 31 of line 2, byte 63 of the input)", error!.Value.Message);
    }

    [Fact]
    public void Read_max_peso_value_option_is_the_exclusive_ceiling()
    {
        var options = new IngestOptions { MaxPesoValue = 500m };
        Assert.Null(Check("""{"store_id":"1","peso_value":499.999999999999999999999999}""", options));
        Assert.Equal(IngestErrorReason.OutOfRange, Check("""{"store_id":"1","peso_value":5.00e2}""", options)!.Value.Reason);
    }

    [Fact]
    public void Record_fields_are_typed_and_unescaped()
    {
        byte[] line = Encoding.UTF8.GetBytes("""
            {"transaction_id":"tx-1","store_id":"S\"1","device_id":"pi5-0001","ts":"2026-11-21T14:05:00.5+08:00","peso_value":150.50,"payment_method":"gcash","customer_id":"c-9","customer_type":"returning","campaign_id":"cmp","handshake_score":0.75,"items":[{"sku":"COKE","brand":"Coca-Cola","category":"beverages","qty":2,"unit_price":25.25,"discount":0.5},{"product_id":"p-2","qty":1}],"location":{"region":"NCR","province":null,"city":"Para\u00f1aque","barangay":"Brgy. 1"},"extra":1}
            """);
        using JsonlReader reader = JsonlReader.Create(line);
        Assert.True(reader.Read());
        TransactionRecord r = reader.Record;

        Assert.Equal("tx-1", Encoding.UTF8.GetString(r.TransactionId));
        Assert.Equal("S\"1", Encoding.UTF8.GetString(r.StoreId));
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 14, 5, 0, 500, TimeSpan.FromHours(8)), r.Timestamp);
        Assert.Equal(150.50m, r.PesoValue);
        Assert.Equal("150.50", Encoding.UTF8.GetString(r.PesoValueText));
        Assert.Equal(PaymentMethod.GCash, r.PaymentMethod);
        Assert.Equal(CustomerType.Returning, r.CustomerType);
        Assert.Equal(0.75m, r.HandshakeScore);
        Assert.Equal("Parañaque", Encoding.UTF8.GetString(r.City));
        Assert.True(r.Province.IsEmpty);
        Assert.Equal(2, r.ItemCount);
        Assert.Equal(ItemCategory.Beverages, r.GetItem(0).Category);
        Assert.Equal(25.25m, r.GetItem(0).UnitPrice);
        Assert.Equal("p-2", Encoding.UTF8.GetString(r.GetItem(1).ProductId));
        Assert.Null(r.GetItem(1).Discount);
        Assert.Equal(EventHasher.ComputeHashHex(line), Convert.ToHexStringLower(r.EventHash));

        TransactionEvent e = r.ToEvent();
        Assert.Equal("S\"1", e.StoreId);
        Assert.Equal(new StoreLocation("NCR", null, "Parañaque", "Brgy. 1"), e.Location);
        Assert.Equal(new TransactionItem("COKE", null, "Coca-Cola", ItemCategory.Beverages, 2m, 25.25m, 0.5m), e.Items[0]);
        Assert.Equal("pi5-0001", e.DeviceId);
    }

    [Fact]
    public void CreateForJsonBody_array_yields_each_element_with_its_offset()
    {
        byte[] body = Encoding.UTF8.GetBytes("[\n  {\"store_id\":\"1\",\"peso_value\":1},\n  7,\n  {\"store_id\":\"2\",\"peso_value\":-1}\n]");
        List<string> got = Outcomes.ReadAll(JsonlReader.CreateForJsonBody(body));

        Assert.Equal(3, got.Count);
        Assert.StartsWith("1@4 ok store=1", got[0], StringComparison.Ordinal);
        Assert.Equal("2@39 NotAnObject ", got[1]);
        Assert.Equal("3@44 OutOfRange peso_value", got[2]);
    }

    [Fact]
    public void CreateForJsonBody_single_object_is_one_event()
    {
        List<string> got = Outcomes.ReadAll(JsonlReader.CreateForJsonBody(Encoding.UTF8.GetBytes(" {\"store_id\":\"1\",\"peso_value\":1} ")));
        Assert.Single(got);
        Assert.StartsWith("1@1 ok", got[0], StringComparison.Ordinal);
    }

    [Fact]
    public void CreateForJsonBody_broken_body_reads_elements_before_the_fault_then_one_error()
    {
        List<string> got = Outcomes.ReadAll(JsonlReader.CreateForJsonBody(Encoding.UTF8.GetBytes("[{\"store_id\":\"1\",\"peso_value\":1}, {\"store_id\":")));
        Assert.Equal(2, got.Count);
        Assert.StartsWith("1@1 ok", got[0], StringComparison.Ordinal);
        Assert.StartsWith("2@", got[1], StringComparison.Ordinal);
        Assert.Contains("InvalidJson", got[1], StringComparison.Ordinal);
    }
}
