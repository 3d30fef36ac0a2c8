using System.Globalization;
using System.Security.Cryptography;
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
    public int At;
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
/// <remarks>
/// The line first goes through the jsonb canonicalizer, which validates it exactly as PostgreSQL's <c>jsonb</c>
/// input does and yields the event hash; only a line that passes is walked again with <see cref="Utf8JsonReader"/>
/// for its fields. That order matters: System.Text.Json throws <see cref="InvalidOperationException"/> when it is
/// asked to unescape a lone surrogate, and it has its own depth limit, while the canonicalizer refuses the former
/// with a reason and allows nesting as deep as PostgreSQL does. Field rules follow jsonb's view of the object:
/// the last of duplicate keys wins at every depth (top level, <c>location</c>, each item), so an overwritten value
/// is never checked against the contract, only against JSON and jsonb.
/// </remarks>
internal sealed class TransactionParser
{
    private const int FieldCount = 12;

    // Item fields, in the order their errors are reported.
    private const int ItemSku = 0;
    private const int ItemProductId = 1;
    private const int ItemBrand = 2;
    private const int ItemCategory = 3;
    private const int ItemQty = 4;
    private const int ItemUnitPrice = 5;
    private const int ItemDiscount = 6;
    private const int ItemFieldCount = 7;

    // Deeper than anything the jsonb check lets through, so PostgreSQL's limit, not System.Text.Json's, decides.
    private static readonly JsonReaderOptions s_jsonOptions = new() { MaxDepth = MaxDepth };

    private static readonly string[] s_locationPaths = ["location.region", "location.province", "location.city", "location.barangay"];

    private readonly byte[] _ceiling;
    private readonly string _ceilingText;
    private readonly Pending[] _pending = new Pending[FieldCount];
    private readonly Pending[] _locationPending = new Pending[4];
    private readonly Pending[] _itemPending = new Pending[ItemFieldCount];
    private byte[] _strings = new byte[256];
    private int _stringsUsed;
    private long _lineNumber;
    private long _lineOffset;
    private string _unit = "line";

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

    /// <summary>The nesting depth allowed to System.Text.Json: one more than the deepest array jsonb accepts.</summary>
    internal static int MaxDepth => (JsonbCanonicalizer.NestingBudget / JsonbCanonicalizer.ArrayLevelCost) + 1;

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
    /// <param name="line">The line without its terminator.</param>
    /// <param name="lineNumber">Its 1-based number, for messages.</param>
    /// <param name="lineOffset">The offset of its first byte in the input, for messages.</param>
    /// <param name="isElement">Whether the "line" is an element of an <c>application/json</c> array body (messages say so).</param>
    /// <param name="reason">The failure kind.</param>
    /// <param name="field">The field at fault, or <see langword="null"/> for the whole line.</param>
    /// <param name="message">What is wrong and where.</param>
    public bool TryParse(ReadOnlySpan<byte> line, long lineNumber, long lineOffset, bool isElement, out IngestErrorReason reason, out string? field, out string? message)
    {
        Reset(line.Length);
        _lineNumber = lineNumber;
        _lineOffset = lineOffset;
        _unit = isElement ? "element" : "line";

        if (line.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            // The reader skips a BOM at the very start of the input; anywhere else it is a stray U+FEFF.
            return Fail(IngestErrorReason.InvalidJson, null,
                "not valid JSON: a UTF-8 byte order mark is allowed only at the very start of the input", 0, out reason, out field, out message);
        }

        JsonbCanonicalizer canonicalizer = JsonbCanonicalizer.Instance;
        JsonbError jsonb = canonicalizer.Canonicalize(line);
        if (jsonb.Kind != JsonbErrorKind.None)
        {
            canonicalizer.Trim();
            return jsonb.IsSyntaxError
                ? Fail(IngestErrorReason.InvalidJson, null, "not valid JSON: " + jsonb.What, jsonb.Offset, out reason, out field, out message)
                : Fail(IngestErrorReason.RejectedByJsonb, null, "refused by PostgreSQL's jsonb input rules: " + jsonb.What, jsonb.Offset, out reason, out field, out message);
        }

        SHA256.HashData(canonicalizer.Output, Hash);
        canonicalizer.Trim();

        try
        {
            var reader = new Utf8JsonReader(line, s_jsonOptions);
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return Fail(IngestErrorReason.NotAnObject, null, "the " + _unit + " is " + Describe(reader.TokenType) + ", not a JSON object",
                    (int)reader.TokenStartIndex, out reason, out field, out message);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                Field f = Identify(ref reader);
                reader.Read();
                ParseField(f, ref reader, line);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not expected once the jsonb check passed; kept so a disagreement can never escape as an exception.
            return Fail(IngestErrorReason.InvalidJson, null, "not valid JSON: " + e.Message, -1, out reason, out field, out message);
        }

        if (!StoreId.IsPresent && _pending[(int)Field.StoreId].Reason == 0)
        {
            return Fail(IngestErrorReason.MissingField, "store_id", "store_id is required", -1, out reason, out field, out message);
        }

        for (int i = 0; i < FieldCount; i++)
        {
            ref Pending p = ref _pending[i];
            if (p.Reason != 0)
            {
                return Fail(p.Reason, p.Field, p.Message, p.At, out reason, out field, out message);
            }

            if (i == (int)Field.StoreId && StoreId.Length == 0)
            {
                return Fail(IngestErrorReason.EmptyValue, "store_id", "store_id must not be empty", StoreId.At, out reason, out field, out message);
            }

            if (i == (int)Field.PesoValue && !PesoValue.IsPresent)
            {
                return Fail(IngestErrorReason.MissingField, "peso_value", "peso_value is required", -1, out reason, out field, out message);
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
        ref Pending pending = ref _pending[(int)f];
        pending = default;
        int at = (int)r.TokenStartIndex;
        switch (f)
        {
            case Field.StoreId:
                StoreId = ReadString("store_id", -1, ref r, ref pending);
                break;
            case Field.TransactionId:
                TransactionId = ReadString("transaction_id", -1, ref r, ref pending);
                break;
            case Field.DeviceId:
                DeviceId = ReadString("device_id", -1, ref r, ref pending);
                break;
            case Field.CustomerId:
                CustomerId = ReadString("customer_id", -1, ref r, ref pending);
                break;
            case Field.CampaignId:
                CampaignId = ReadString("campaign_id", -1, ref r, ref pending);
                break;
            case Field.Ts:
                Ts = ReadString("ts", -1, ref r, ref pending);
                Timestamp = null;
                if (Ts.IsPresent)
                {
                    if (IsoTimestamp.TryParse(Get(Ts, line), out DateTimeOffset ts))
                    {
                        Timestamp = ts;
                    }
                    else
                    {
                        pending = new Pending(IngestErrorReason.InvalidTimestamp, "ts",
                            "ts '" + Text(Get(Ts, line)) + "' is not an ISO-8601 date and time with an offset (e.g. 2026-11-21T14:05:00+08:00 or 2026-11-21T06:05:00Z)", at);
                    }
                }

                break;
            case Field.PesoValue:
                PesoValue = ReadNumber("peso_value", -1, ref r, ref pending);
                if (PesoValue.IsPresent)
                {
                    CheckMoney("peso_value", -1, line.Slice(PesoValue.Start, PesoValue.Length), at, ref pending);
                }

                break;
            case Field.HandshakeScore:
                HandshakeScore = ReadNumber("handshake_score", -1, ref r, ref pending);
                if (HandshakeScore.IsPresent)
                {
                    ReadOnlySpan<byte> v = line.Slice(HandshakeScore.Start, HandshakeScore.Length);
                    if (ExactNumber.Sign(v) < 0 || ExactNumber.Compare(v, "1"u8) > 0)
                    {
                        pending = new Pending(IngestErrorReason.OutOfRange, "handshake_score", "handshake_score " + Text(v) + " is outside 0..1", at);
                    }
                }

                break;
            case Field.PaymentMethod:
                Payment = null;
                Slot pm = ReadString("payment_method", -1, ref r, ref pending);
                if (pm.IsPresent)
                {
                    Payment = ParsePayment(Get(pm, line));
                    if (Payment is null)
                    {
                        pending = new Pending(IngestErrorReason.UnknownEnumValue, "payment_method",
                            "payment_method '" + Text(Get(pm, line)) + "' is not one of cash|gcash|maya|card|other (lower case)", at);
                    }
                }

                break;
            case Field.CustomerType:
                Customer = null;
                Slot ct = ReadString("customer_type", -1, ref r, ref pending);
                if (ct.IsPresent)
                {
                    Customer = ParseCustomerType(Get(ct, line));
                    if (Customer is null)
                    {
                        pending = new Pending(IngestErrorReason.UnknownEnumValue, "customer_type",
                            "customer_type '" + Text(Get(ct, line)) + "' is not one of new|returning|vip|churned (lower case)", at);
                    }
                }

                break;
            case Field.Location:
                ParseLocation(ref r, ref pending);
                break;
            case Field.Items:
                ParseItems(ref r, line, ref pending);
                break;
        }
    }

    private void ParseLocation(ref Utf8JsonReader r, ref Pending pending)
    {
        Region = Province = City = Barangay = default;
        HasLocation = false;
        if (r.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (r.TokenType != JsonTokenType.StartObject)
        {
            pending = WrongType("location", -1, "an object", ref r);
            return;
        }

        HasLocation = true;
        Pending[] sub = _locationPending;
        Array.Clear(sub);
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            int k = r.ValueTextEquals("region"u8) ? 0
                : r.ValueTextEquals("province"u8) ? 1
                : r.ValueTextEquals("city"u8) ? 2
                : r.ValueTextEquals("barangay"u8) ? 3
                : -1;
            r.Read();
            if (k < 0)
            {
                r.Skip(); // other keys in location are kept in bronze and ignored, whatever their type
                continue;
            }

            sub[k] = default; // the last duplicate wins
            Slot value = ReadString(s_locationPaths[k], -1, ref r, ref sub[k]);
            switch (k)
            {
                case 0:
                    Region = value;
                    break;
                case 1:
                    Province = value;
                    break;
                case 2:
                    City = value;
                    break;
                default:
                    Barangay = value;
                    break;
            }
        }

        foreach (Pending p in sub)
        {
            if (p.Reason != 0)
            {
                pending = p;
                return;
            }
        }
    }

    private void ParseItems(ref Utf8JsonReader r, ReadOnlySpan<byte> line, ref Pending pending)
    {
        ItemCount = 0;
        if (r.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (r.TokenType != JsonTokenType.StartArray)
        {
            pending = WrongType("items", -1, "an array", ref r);
            return;
        }

        int index = 0;
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (r.TokenType != JsonTokenType.StartObject)
            {
                Pending wrong = WrongType(ItemPath(index, null), -1, "an object", ref r);
                if (pending.Reason == 0)
                {
                    pending = wrong;
                }

                index++;
                continue;
            }

            if (ItemCount == Items.Length)
            {
                Array.Resize(ref Items, Items.Length * 2);
            }

            ref ItemSlot item = ref Items[ItemCount++];
            item = default;
            Pending error = ParseItem(ref item, index, ref r, line);
            if (pending.Reason == 0)
            {
                pending = error;
            }

            index++;
        }
    }

    private Pending ParseItem(ref ItemSlot item, int index, ref Utf8JsonReader r, ReadOnlySpan<byte> line)
    {
        int itemStart = (int)r.TokenStartIndex;
        Pending[] sub = _itemPending;
        Array.Clear(sub);
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            int k = r.ValueTextEquals("sku"u8) ? ItemSku
                : r.ValueTextEquals("product_id"u8) ? ItemProductId
                : r.ValueTextEquals("brand"u8) ? ItemBrand
                : r.ValueTextEquals("category"u8) ? ItemCategory
                : r.ValueTextEquals("qty"u8) ? ItemQty
                : r.ValueTextEquals("unit_price"u8) ? ItemUnitPrice
                : r.ValueTextEquals("discount"u8) ? ItemDiscount
                : -1;
            r.Read();
            if (k < 0)
            {
                r.Skip();
                continue;
            }

            ref Pending e = ref sub[k];
            e = default; // the last duplicate wins
            int at = (int)r.TokenStartIndex;
            switch (k)
            {
                case ItemSku:
                    item.Sku = ReadString("sku", index, ref r, ref e);
                    break;
                case ItemProductId:
                    item.ProductId = ReadString("product_id", index, ref r, ref e);
                    break;
                case ItemBrand:
                    item.Brand = ReadString("brand", index, ref r, ref e);
                    break;
                case ItemCategory:
                    item.Category = null;
                    Slot c = ReadString("category", index, ref r, ref e);
                    if (c.IsPresent)
                    {
                        item.Category = ParseCategory(Get(c, line));
                        if (item.Category is null)
                        {
                            e = new Pending(IngestErrorReason.UnknownEnumValue, ItemPath(index, "category"),
                                ItemPath(index, "category") + " '" + Text(Get(c, line)) + "' is not one of beverages|snacks|personal_care|household|tobacco|other (lower case)", at);
                        }
                    }

                    break;
                case ItemQty:
                    item.Qty = ReadNumber("qty", index, ref r, ref e);
                    if (item.Qty.IsPresent && ExactNumber.Sign(line.Slice(item.Qty.Start, item.Qty.Length)) <= 0)
                    {
                        e = new Pending(IngestErrorReason.OutOfRange, ItemPath(index, "qty"),
                            ItemPath(index, "qty") + " " + Text(line.Slice(item.Qty.Start, item.Qty.Length)) + " must be greater than 0", at);
                    }

                    break;
                case ItemUnitPrice:
                    item.UnitPrice = ReadNumber("unit_price", index, ref r, ref e);
                    if (item.UnitPrice.IsPresent)
                    {
                        CheckMoney("unit_price", index, line.Slice(item.UnitPrice.Start, item.UnitPrice.Length), at, ref e);
                    }

                    break;
                default:
                    item.Discount = ReadNumber("discount", index, ref r, ref e);
                    if (item.Discount.IsPresent && ExactNumber.Sign(line.Slice(item.Discount.Start, item.Discount.Length)) < 0)
                    {
                        e = new Pending(IngestErrorReason.OutOfRange, ItemPath(index, "discount"),
                            ItemPath(index, "discount") + " " + Text(line.Slice(item.Discount.Start, item.Discount.Length)) + " is negative", at);
                    }

                    break;
            }
        }

        foreach (Pending p in sub)
        {
            if (p.Reason != 0)
            {
                return p;
            }
        }

        if (!item.Sku.IsPresent && !item.ProductId.IsPresent)
        {
            return new Pending(IngestErrorReason.MissingField, ItemPath(index, "sku"), ItemPath(index, null) + " needs a sku or a product_id", itemStart);
        }

        return default;
    }

    private void CheckMoney(string name, int itemIndex, ReadOnlySpan<byte> value, int at, ref Pending error)
    {
        if (ExactNumber.Sign(value) < 0)
        {
            string path = itemIndex >= 0 ? ItemPath(itemIndex, name) : name;
            error = new Pending(IngestErrorReason.OutOfRange, path, path + " " + Text(value) + " is negative", at);
        }
        else if (ExactNumber.Compare(value, _ceiling) >= 0)
        {
            string path = itemIndex >= 0 ? ItemPath(itemIndex, name) : name;
            error = new Pending(IngestErrorReason.OutOfRange, path, path + " " + Text(value) + " is not below MaxPesoValue " + _ceilingText, at);
        }
    }

    private Slot ReadString(string name, int itemIndex, ref Utf8JsonReader r, ref Pending error)
    {
        if (r.TokenType == JsonTokenType.String)
        {
            int at = (int)r.TokenStartIndex;
            if (!r.ValueIsEscaped)
            {
                return new Slot { Start = at + 1, Length = r.ValueSpan.Length, Where = Slot.InLine, At = at };
            }

            int written = r.CopyString(_strings.AsSpan(_stringsUsed));
            var slot = new Slot { Start = _stringsUsed, Length = written, Where = Slot.InScratch, At = at };
            _stringsUsed += written;
            return slot;
        }

        if (r.TokenType != JsonTokenType.Null)
        {
            error = WrongType(name, itemIndex, "a string", ref r);
        }

        return default;
    }

    private static Slot ReadNumber(string name, int itemIndex, ref Utf8JsonReader r, ref Pending error)
    {
        if (r.TokenType == JsonTokenType.Number)
        {
            int at = (int)r.TokenStartIndex;
            return new Slot { Start = at, Length = r.ValueSpan.Length, Where = Slot.InLine, At = at };
        }

        if (r.TokenType != JsonTokenType.Null)
        {
            error = WrongType(name, itemIndex, "a number", ref r);
        }

        return default;
    }

    private static Pending WrongType(string name, int itemIndex, string expected, ref Utf8JsonReader r)
    {
        string path = itemIndex >= 0 ? ItemPath(itemIndex, name) : name;
        var error = new Pending(IngestErrorReason.WrongType, path, path + " must be " + expected + ", not " + Describe(r.TokenType), (int)r.TokenStartIndex);
        if (r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            r.Skip();
        }

        return error;
    }

    private bool Fail(IngestErrorReason r, string? f, string m, int at, out IngestErrorReason reason, out string? field, out string? message)
    {
        reason = r;
        field = f;
        message = at >= 0
            ? string.Create(CultureInfo.InvariantCulture, $"{m} (at byte {at} of {_unit} {_lineNumber}, byte {_lineOffset + at} of the input)")
            : string.Create(CultureInfo.InvariantCulture, $"{m} ({_unit} {_lineNumber}, starting at byte {_lineOffset} of the input)");
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

    // Enum values are the contract's lower-case words exactly (DESIGN.md lists cash|gcash|maya|card|other and so
    // on): "GCash", " cash" and synonyms are refused, so a producer's drift shows up as rejects instead of being
    // guessed at. The raw line in bronze keeps whatever was sent.
    internal static PaymentMethod? ParsePayment(ReadOnlySpan<byte> v) =>
        v.SequenceEqual("cash"u8) ? PaymentMethod.Cash
        : v.SequenceEqual("gcash"u8) ? PaymentMethod.GCash
        : v.SequenceEqual("maya"u8) ? PaymentMethod.Maya
        : v.SequenceEqual("card"u8) ? PaymentMethod.Card
        : v.SequenceEqual("other"u8) ? PaymentMethod.Other
        : null;

    internal static CustomerType? ParseCustomerType(ReadOnlySpan<byte> v) =>
        v.SequenceEqual("new"u8) ? CustomerType.New
        : v.SequenceEqual("returning"u8) ? CustomerType.Returning
        : v.SequenceEqual("vip"u8) ? CustomerType.Vip
        : v.SequenceEqual("churned"u8) ? CustomerType.Churned
        : null;

    internal static ItemCategory? ParseCategory(ReadOnlySpan<byte> v) =>
        v.SequenceEqual("beverages"u8) ? Lakehouse.Ingest.ItemCategory.Beverages
        : v.SequenceEqual("snacks"u8) ? Lakehouse.Ingest.ItemCategory.Snacks
        : v.SequenceEqual("personal_care"u8) ? Lakehouse.Ingest.ItemCategory.PersonalCare
        : v.SequenceEqual("household"u8) ? Lakehouse.Ingest.ItemCategory.Household
        : v.SequenceEqual("tobacco"u8) ? Lakehouse.Ingest.ItemCategory.Tobacco
        : v.SequenceEqual("other"u8) ? Lakehouse.Ingest.ItemCategory.Other
        : null;

    /// <summary>A rule broken by a field's value: kind, JSON path, message and the value's offset in the line.</summary>
    private readonly record struct Pending(IngestErrorReason Reason, string Field, string Message, int At);
}
