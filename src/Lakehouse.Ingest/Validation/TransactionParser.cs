using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lakehouse.Ingest;

/// <summary>Where a field's value lies: absent, a slice of the line, or a slice of the unescaped-strings buffer.</summary>
internal struct Slot
{
    public const byte Absent = 0;
    public const byte InLine = 1;
    public const byte InScratch = 2;

    public int Start;
    public int Length;
    public byte Where;

    public readonly bool IsPresent => Where != Absent;
}

internal struct ItemSlot
{
    public Slot Sku;
    public Slot ProductId;
    public Slot Brand;
    public Slot Qty;
    public Slot UnitPrice;
    public Slot Discount;
    public ItemCategory? Category;
}

/// <summary>
/// Validates one transaction line against the contract (DESIGN.md "Transaction event") and records where each
/// known field's value lies so that <see cref="TransactionRecord"/> can hand out spans without allocating.
/// One instance per reader, reused for every line. Only the error path allocates (its message).
/// </summary>
internal sealed class TransactionParser
{
    private const int FieldCount = 12;
    private static readonly JsonReaderOptions s_jsonOptions = new() { MaxDepth = 256 };

    private readonly byte[] _ceiling;
    private readonly string _ceilingText;
    private readonly Pending[] _pending = new Pending[FieldCount];
    private byte[] _strings = new byte[256];
    private int _stringsUsed;

    public Slot StoreId;
    public Slot TransactionId;
    public Slot DeviceId;
    public Slot Ts;
    public Slot PesoValue;
    public Slot CustomerId;
    public Slot CampaignId;
    public Slot HandshakeScore;
    public Slot Region;
    public Slot Province;
    public Slot City;
    public Slot Barangay;
    public DateTimeOffset? Timestamp;
    public PaymentMethod? Payment;
    public CustomerType? Customer;
    public bool HasLocation;
    public ItemSlot[] Items = new ItemSlot[8];
    public int ItemCount;
    public readonly byte[] Hash = new byte[EventHasher.HashSizeInBytes];

    public TransactionParser(decimal maxPesoValue)
    {
        _ceilingText = maxPesoValue.ToString(CultureInfo.InvariantCulture);
        _ceiling = Encoding.ASCII.GetBytes(_ceilingText);
    }

    private enum Field
    {
        StoreId,
        PesoValue,
        TransactionId,
        DeviceId,
        Ts,
        PaymentMethod,
        CustomerId,
        CustomerType,
        CampaignId,
        HandshakeScore,
        Items,
        Location,
        Unknown,
    }

    public ReadOnlySpan<byte> Get(in Slot slot, ReadOnlySpan<byte> line) => slot.Where switch
    {
        Slot.InLine => line.Slice(slot.Start, slot.Length),
        Slot.InScratch => _strings.AsSpan(slot.Start, slot.Length),
        _ => default,
    };

    /// <summary>Parses and validates <paramref name="line"/>; on failure fills the error parts and returns false.</summary>
    public bool TryParse(ReadOnlySpan<byte> line, out IngestErrorReason reason, out string? field, out string? message)
    {
        Reset(line.Length);
        try
        {
            var reader = new Utf8JsonReader(line, s_jsonOptions);
            if (!reader.Read())
            {
                return Fail(IngestErrorReason.InvalidJson, null, "the line holds no JSON value", out reason, out field, out message);
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                JsonTokenType kind = reader.TokenType;
                reader.Skip();
                while (reader.Read())
                {
                    // Only reached for trailing content, which throws below; kept so syntax errors win.
                }

                return Fail(IngestErrorReason.NotAnObject, null, "the line is " + Describe(kind) + ", not a JSON object", out reason, out field, out message);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                Field f = Identify(ref reader);
                reader.Read();
                ParseField(f, ref reader, line);
            }

            while (reader.Read())
            {
                // A second top-level value throws; whitespace ends the loop.
            }
        }
        catch (JsonException e)
        {
            string where = e.BytePositionInLine is long pos
                ? " at byte " + pos.ToString(CultureInfo.InvariantCulture) + (e.LineNumber is > 0 ? " of line " + (e.LineNumber.Value + 1).ToString(CultureInfo.InvariantCulture) + " of the value" : " of the line")
                : "";
            return Fail(IngestErrorReason.InvalidJson, null, "not valid JSON" + where, out reason, out field, out message);
        }

        if (!EventHasher.TryComputeHash(line, Hash, out string? hashError))
        {
            return Fail(IngestErrorReason.RejectedByJsonb, null, "refused by PostgreSQL's jsonb rules: " + hashError, out reason, out field, out message);
        }

        if (!StoreId.IsPresent && _pending[(int)Field.StoreId].Reason == 0)
        {
            return Fail(IngestErrorReason.MissingField, "store_id", "store_id is required", out reason, out field, out message);
        }

        for (int i = 0; i < FieldCount; i++)
        {
            ref Pending p = ref _pending[i];
            if (p.Reason != 0)
            {
                return Fail(p.Reason, p.Field, p.Message, out reason, out field, out message);
            }

            if (i == (int)Field.StoreId && StoreId.Length == 0)
            {
                return Fail(IngestErrorReason.EmptyValue, "store_id", "store_id must not be empty", out reason, out field, out message);
            }

            if (i == (int)Field.PesoValue && !PesoValue.IsPresent)
            {
                return Fail(IngestErrorReason.MissingField, "peso_value", "peso_value is required", out reason, out field, out message);
            }
        }

        reason = default;
        field = null;
        message = null;
        return true;
    }

    private void Reset(int lineLength)
    {
        if (_strings.Length < lineLength)
        {
            // Unescaping never makes a string longer, so the line's length bounds every string in it.
            _strings = new byte[Math.Max(lineLength, _strings.Length * 2)];
        }

        _stringsUsed = 0;
        StoreId = TransactionId = DeviceId = Ts = PesoValue = CustomerId = CampaignId = HandshakeScore = default;
        Region = Province = City = Barangay = default;
        Timestamp = null;
        Payment = null;
        Customer = null;
        HasLocation = false;
        ItemCount = 0;
        Array.Clear(_pending);
    }

    private static Field Identify(ref Utf8JsonReader r)
    {
        if (r.ValueTextEquals("store_id"u8))
        {
            return Field.StoreId;
        }

        if (r.ValueTextEquals("peso_value"u8))
        {
            return Field.PesoValue;
        }

        if (r.ValueTextEquals("transaction_id"u8))
        {
            return Field.TransactionId;
        }

        if (r.ValueTextEquals("device_id"u8))
        {
            return Field.DeviceId;
        }

        if (r.ValueTextEquals("ts"u8))
        {
            return Field.Ts;
        }

        if (r.ValueTextEquals("payment_method"u8))
        {
            return Field.PaymentMethod;
        }

        if (r.ValueTextEquals("customer_id"u8))
        {
            return Field.CustomerId;
        }

        if (r.ValueTextEquals("customer_type"u8))
        {
            return Field.CustomerType;
        }

        if (r.ValueTextEquals("campaign_id"u8))
        {
            return Field.CampaignId;
        }

        if (r.ValueTextEquals("handshake_score"u8))
        {
            return Field.HandshakeScore;
        }

        if (r.ValueTextEquals("items"u8))
        {
            return Field.Items;
        }

        return r.ValueTextEquals("location"u8) ? Field.Location : Field.Unknown;
    }

    private void ParseField(Field f, ref Utf8JsonReader r, ReadOnlySpan<byte> line)
    {
        if (f == Field.Unknown)
        {
            r.Skip(); // unknown fields are kept in bronze (the raw line) and otherwise ignored
            return;
        }

        // The last duplicate key wins, as in jsonb: a later occurrence replaces an earlier one and its error.
        _pending[(int)f] = default;
        switch (f)
        {
            case Field.StoreId:
                StoreId = String(Field.StoreId, "store_id", ref r, line);
                break;
            case Field.TransactionId:
                TransactionId = String(Field.TransactionId, "transaction_id", ref r, line);
                break;
            case Field.DeviceId:
                DeviceId = String(Field.DeviceId, "device_id", ref r, line);
                break;
            case Field.CustomerId:
                CustomerId = String(Field.CustomerId, "customer_id", ref r, line);
                break;
            case Field.CampaignId:
                CampaignId = String(Field.CampaignId, "campaign_id", ref r, line);
                break;
            case Field.Ts:
                Ts = String(Field.Ts, "ts", ref r, line);
                Timestamp = null;
                if (Ts.IsPresent)
                {
                    if (IsoTimestamp.TryParse(Get(Ts, line), out DateTimeOffset ts))
                    {
                        Timestamp = ts;
                    }
                    else
                    {
                        SetPending(Field.Ts, IngestErrorReason.InvalidTimestamp, "ts",
                            "ts '" + Text(Get(Ts, line)) + "' is not an ISO-8601 timestamp with an offset (e.g. 2026-11-21T14:05:00+08:00)");
                    }
                }

                break;
            case Field.PesoValue:
                PesoValue = Number(Field.PesoValue, "peso_value", ref r, line);
                if (PesoValue.IsPresent)
                {
                    CheckMoney(Field.PesoValue, "peso_value", line.Slice(PesoValue.Start, PesoValue.Length));
                }

                break;
            case Field.HandshakeScore:
                HandshakeScore = Number(Field.HandshakeScore, "handshake_score", ref r, line);
                if (HandshakeScore.IsPresent)
                {
                    ReadOnlySpan<byte> v = line.Slice(HandshakeScore.Start, HandshakeScore.Length);
                    if (ExactNumber.Sign(v) < 0 || ExactNumber.Compare(v, "1"u8) > 0)
                    {
                        SetPending(Field.HandshakeScore, IngestErrorReason.OutOfRange, "handshake_score", "handshake_score " + Text(v) + " is outside 0..1");
                    }
                }

                break;
            case Field.PaymentMethod:
                Payment = null;
                Slot pm = String(Field.PaymentMethod, "payment_method", ref r, line);
                if (pm.IsPresent)
                {
                    Payment = ParsePayment(Get(pm, line));
                    if (Payment is null)
                    {
                        SetPending(Field.PaymentMethod, IngestErrorReason.UnknownEnumValue, "payment_method",
                            "payment_method '" + Text(Get(pm, line)) + "' is not one of cash|gcash|maya|card|other");
                    }
                }

                break;
            case Field.CustomerType:
                Customer = null;
                Slot ct = String(Field.CustomerType, "customer_type", ref r, line);
                if (ct.IsPresent)
                {
                    Customer = ParseCustomerType(Get(ct, line));
                    if (Customer is null)
                    {
                        SetPending(Field.CustomerType, IngestErrorReason.UnknownEnumValue, "customer_type",
                            "customer_type '" + Text(Get(ct, line)) + "' is not one of new|returning|vip|churned");
                    }
                }

                break;
            case Field.Location:
                ParseLocation(ref r, line);
                break;
            case Field.Items:
                ParseItems(ref r, line);
                break;
        }
    }

    private void ParseLocation(ref Utf8JsonReader r, ReadOnlySpan<byte> line)
    {
        Region = Province = City = Barangay = default;
        HasLocation = false;
        if (r.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (r.TokenType != JsonTokenType.StartObject)
        {
            WrongType(Field.Location, "location", "an object", ref r);
            return;
        }

        HasLocation = true;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("region"u8))
            {
                r.Read();
                Region = String(Field.Location, "location.region", ref r, line);
            }
            else if (r.ValueTextEquals("province"u8))
            {
                r.Read();
                Province = String(Field.Location, "location.province", ref r, line);
            }
            else if (r.ValueTextEquals("city"u8))
            {
                r.Read();
                City = String(Field.Location, "location.city", ref r, line);
            }
            else if (r.ValueTextEquals("barangay"u8))
            {
                r.Read();
                Barangay = String(Field.Location, "location.barangay", ref r, line);
            }
            else
            {
                // Remember where the key is rather than materialising it: valid lines must not allocate.
                int nameStart = (int)r.TokenStartIndex + 1;
                int nameLength = r.HasValueSequence ? 0 : r.ValueSpan.Length;
                r.Read();
                if (r.TokenType is not JsonTokenType.String and not JsonTokenType.Null)
                {
                    WrongType(Field.Location, "location." + Encoding.UTF8.GetString(line.Slice(nameStart, nameLength)), "a string", ref r);
                }
            }
        }
    }

    private void ParseItems(ref Utf8JsonReader r, ReadOnlySpan<byte> line)
    {
        ItemCount = 0;
        if (r.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (r.TokenType != JsonTokenType.StartArray)
        {
            WrongType(Field.Items, "items", "an array", ref r);
            return;
        }

        int index = 0;
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (r.TokenType != JsonTokenType.StartObject)
            {
                WrongType(Field.Items, ItemPath(index, null), "an object", ref r);
                index++;
                continue;
            }

            if (ItemCount == Items.Length)
            {
                Array.Resize(ref Items, Items.Length * 2);
            }

            ref ItemSlot item = ref Items[ItemCount++];
            item = default;
            ParseItem(ref item, index, ref r, line);
            index++;
        }
    }

    private void ParseItem(ref ItemSlot item, int index, ref Utf8JsonReader r, ReadOnlySpan<byte> line)
    {
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("sku"u8))
            {
                r.Read();
                item.Sku = String(Field.Items, "sku", ref r, line, index);
            }
            else if (r.ValueTextEquals("product_id"u8))
            {
                r.Read();
                item.ProductId = String(Field.Items, "product_id", ref r, line, index);
            }
            else if (r.ValueTextEquals("brand"u8))
            {
                r.Read();
                item.Brand = String(Field.Items, "brand", ref r, line, index);
            }
            else if (r.ValueTextEquals("category"u8))
            {
                r.Read();
                Slot c = String(Field.Items, "category", ref r, line, index);
                item.Category = null;
                if (c.IsPresent)
                {
                    item.Category = ParseCategory(Get(c, line));
                    if (item.Category is null)
                    {
                        SetPending(Field.Items, IngestErrorReason.UnknownEnumValue, ItemPath(index, "category"),
                            ItemPath(index, "category") + " '" + Text(Get(c, line)) + "' is not one of beverages|snacks|personal_care|household|tobacco|other");
                    }
                }
            }
            else if (r.ValueTextEquals("qty"u8))
            {
                r.Read();
                item.Qty = Number(Field.Items, "qty", ref r, line, index);
                if (item.Qty.IsPresent && ExactNumber.Sign(line.Slice(item.Qty.Start, item.Qty.Length)) <= 0)
                {
                    SetPending(Field.Items, IngestErrorReason.OutOfRange, ItemPath(index, "qty"),
                        ItemPath(index, "qty") + " " + Text(line.Slice(item.Qty.Start, item.Qty.Length)) + " must be greater than 0");
                }
            }
            else if (r.ValueTextEquals("unit_price"u8))
            {
                r.Read();
                item.UnitPrice = Number(Field.Items, "unit_price", ref r, line, index);
                if (item.UnitPrice.IsPresent)
                {
                    CheckMoney(Field.Items, "unit_price", line.Slice(item.UnitPrice.Start, item.UnitPrice.Length), index);
                }
            }
            else if (r.ValueTextEquals("discount"u8))
            {
                r.Read();
                item.Discount = Number(Field.Items, "discount", ref r, line, index);
                if (item.Discount.IsPresent && ExactNumber.Sign(line.Slice(item.Discount.Start, item.Discount.Length)) < 0)
                {
                    SetPending(Field.Items, IngestErrorReason.OutOfRange, ItemPath(index, "discount"),
                        ItemPath(index, "discount") + " " + Text(line.Slice(item.Discount.Start, item.Discount.Length)) + " is negative");
                }
            }
            else
            {
                r.Read();
                r.Skip();
            }
        }

        if (!item.Sku.IsPresent && !item.ProductId.IsPresent)
        {
            SetPending(Field.Items, IngestErrorReason.MissingField, ItemPath(index, "sku"), ItemPath(index, null) + " needs a sku or a product_id");
        }
    }

    private void CheckMoney(Field f, string name, ReadOnlySpan<byte> value, int itemIndex = -1)
    {
        if (ExactNumber.Sign(value) < 0)
        {
            string path = itemIndex >= 0 ? ItemPath(itemIndex, name) : name;
            SetPending(f, IngestErrorReason.OutOfRange, path, path + " " + Text(value) + " is negative");
        }
        else if (ExactNumber.Compare(value, _ceiling) >= 0)
        {
            string path = itemIndex >= 0 ? ItemPath(itemIndex, name) : name;
            SetPending(f, IngestErrorReason.OutOfRange, path, path + " " + Text(value) + " is not below MaxPesoValue " + _ceilingText);
        }
    }

    private Slot String(Field f, string name, ref Utf8JsonReader r, ReadOnlySpan<byte> line, int itemIndex = -1)
    {
        if (r.TokenType == JsonTokenType.String)
        {
            if (!r.ValueIsEscaped)
            {
                return new Slot { Start = (int)r.TokenStartIndex + 1, Length = r.ValueSpan.Length, Where = Slot.InLine };
            }

            int written = r.CopyString(_strings.AsSpan(_stringsUsed));
            var slot = new Slot { Start = _stringsUsed, Length = written, Where = Slot.InScratch };
            _stringsUsed += written;
            return slot;
        }

        if (r.TokenType != JsonTokenType.Null)
        {
            WrongType(f, itemIndex >= 0 ? ItemPath(itemIndex, name) : name, "a string", ref r);
        }

        _ = line;
        return default;
    }

    private Slot Number(Field f, string name, ref Utf8JsonReader r, ReadOnlySpan<byte> line, int itemIndex = -1)
    {
        if (r.TokenType == JsonTokenType.Number)
        {
            _ = line;
            return new Slot { Start = (int)r.TokenStartIndex, Length = r.ValueSpan.Length, Where = Slot.InLine };
        }

        if (r.TokenType != JsonTokenType.Null)
        {
            WrongType(f, itemIndex >= 0 ? ItemPath(itemIndex, name) : name, "a number", ref r);
        }

        return default;
    }

    private void WrongType(Field f, string name, string expected, ref Utf8JsonReader r)
    {
        SetPending(f, IngestErrorReason.WrongType, name, name + " must be " + expected + ", not " + Describe(r.TokenType));
        if (r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            r.Skip();
        }
    }

    private void SetPending(Field f, IngestErrorReason reason, string field, string message)
    {
        ref Pending p = ref _pending[(int)f];
        if (p.Reason == 0)
        {
            p = new Pending(reason, field, message);
        }
    }

    private static bool Fail(IngestErrorReason r, string? f, string m, out IngestErrorReason reason, out string? field, out string? message)
    {
        reason = r;
        field = f;
        message = m;
        return false;
    }

    private static string ItemPath(int index, string? name) => name is null
        ? string.Create(CultureInfo.InvariantCulture, $"items[{index}]")
        : string.Create(CultureInfo.InvariantCulture, $"items[{index}].{name}");

    private static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => t.ToString(),
    };

    private static string Text(ReadOnlySpan<byte> utf8) =>
        utf8.Length <= 64 ? Encoding.UTF8.GetString(utf8) : Encoding.UTF8.GetString(utf8[..64]) + "…";

    // Enum values match ASCII case-insensitively ("GCash" is gcash): POS devices send display spellings, and the
    // raw line in bronze keeps the original. Nothing else is forgiven (no trimming, no synonyms).
    internal static PaymentMethod? ParsePayment(ReadOnlySpan<byte> v) =>
        Ascii.EqualsIgnoreCase(v, "cash"u8) ? PaymentMethod.Cash
        : Ascii.EqualsIgnoreCase(v, "gcash"u8) ? PaymentMethod.GCash
        : Ascii.EqualsIgnoreCase(v, "maya"u8) ? PaymentMethod.Maya
        : Ascii.EqualsIgnoreCase(v, "card"u8) ? PaymentMethod.Card
        : Ascii.EqualsIgnoreCase(v, "other"u8) ? PaymentMethod.Other
        : null;

    internal static CustomerType? ParseCustomerType(ReadOnlySpan<byte> v) =>
        Ascii.EqualsIgnoreCase(v, "new"u8) ? CustomerType.New
        : Ascii.EqualsIgnoreCase(v, "returning"u8) ? CustomerType.Returning
        : Ascii.EqualsIgnoreCase(v, "vip"u8) ? CustomerType.Vip
        : Ascii.EqualsIgnoreCase(v, "churned"u8) ? CustomerType.Churned
        : null;

    internal static ItemCategory? ParseCategory(ReadOnlySpan<byte> v) =>
        Ascii.EqualsIgnoreCase(v, "beverages"u8) ? ItemCategory.Beverages
        : Ascii.EqualsIgnoreCase(v, "snacks"u8) ? ItemCategory.Snacks
        : Ascii.EqualsIgnoreCase(v, "personal_care"u8) ? ItemCategory.PersonalCare
        : Ascii.EqualsIgnoreCase(v, "household"u8) ? ItemCategory.Household
        : Ascii.EqualsIgnoreCase(v, "tobacco"u8) ? ItemCategory.Tobacco
        : Ascii.EqualsIgnoreCase(v, "other"u8) ? ItemCategory.Other
        : null;

    private readonly record struct Pending(IngestErrorReason Reason, string Field, string Message);
}
