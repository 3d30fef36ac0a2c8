using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lakehouse.Medallion;

/// <summary>One item of a <see cref="ParsedEvent"/> (the fields of <see cref="ItemFields"/>, kept in a reused array).</summary>
internal struct ParsedItem
{
    public string? Sku;
    public string? ProductId;
    public string? Brand;
    public string? Category;
    public decimal Qty;
    public decimal UnitPrice;
    public decimal Discount;
}

/// <summary>
/// The fields of a bronze event the silver transform uses, filled in place for each row by <see cref="EventReader"/>
/// (one instance per reader, reused): the same values as <see cref="EventFields"/>, without a document per row.
/// </summary>
internal sealed class ParsedEvent
{
    private char[] _customer = new char[64];

    public string StoreId = "";
    public string? TransactionId;
    public string? DeviceId;
    public DateTimeOffset? Ts;
    public decimal PesoValue;
    public string? PaymentMethod;
    public string? CustomerType;
    public string? CampaignId;
    public decimal? HandshakeScore;
    public string? Region;
    public string? Province;
    public string? City;
    public ParsedItem[] Items = new ParsedItem[8];
    public int ItemCount;

    /// <summary>Whether the event named a customer (its text is <see cref="CustomerId"/>).</summary>
    public bool HasCustomer;

    private int _customerLength;

    /// <summary>The raw customer id as typed (valid until the next row).</summary>
    public ReadOnlySpan<char> CustomerId => _customer.AsSpan(0, _customerLength);

    public void Reset()
    {
        StoreId = "";
        TransactionId = DeviceId = PaymentMethod = CustomerType = CampaignId = Region = Province = City = null;
        Ts = null;
        PesoValue = 0m;
        HandshakeScore = null;
        ItemCount = 0;
        HasCustomer = false;
        _customerLength = 0;
    }

    public void SetCustomer(ReadOnlySpan<char> value)
    {
        if (_customer.Length < value.Length)
        {
            _customer = new char[Math.Max(value.Length, _customer.Length * 2)];
        }

        value.CopyTo(_customer);
        _customerLength = value.Length;
        HasCustomer = true;
    }

    public void ClearCustomer()
    {
        HasCustomer = false;
        _customerLength = 0;
    }

    public ref ParsedItem AddItem()
    {
        if (ItemCount == Items.Length)
        {
            Array.Resize(ref Items, Items.Length * 2);
        }

        Items[ItemCount] = default;
        return ref Items[ItemCount++];
    }

    /// <summary>Takes the fields of the document-based parse (the reference the fast path is tested against).</summary>
    public void From(EventFields e)
    {
        Reset();
        StoreId = e.StoreId;
        TransactionId = e.TransactionId;
        DeviceId = e.DeviceId;
        Ts = e.Ts;
        PesoValue = e.PesoValue;
        PaymentMethod = e.PaymentMethod;
        CustomerType = e.CustomerType;
        CampaignId = e.CampaignId;
        HandshakeScore = e.HandshakeScore;
        Region = e.Region;
        Province = e.Province;
        City = e.City;
        if (e.CustomerId is { } customer)
        {
            SetCustomer(customer);
        }

        foreach (ItemFields item in e.Items)
        {
            ref ParsedItem p = ref AddItem();
            (p.Sku, p.ProductId, p.Brand, p.Category, p.Qty, p.UnitPrice, p.Discount) =
                (item.Sku, item.ProductId, item.Brand, item.Category, item.Qty, item.UnitPrice, item.Discount);
        }
    }
}

/// <summary>
/// Reads the silver fields of a bronze event with <see cref="Utf8JsonReader"/> over its UTF-8 bytes (one reused buffer),
/// into a reused <see cref="ParsedEvent"/>; repeated short strings (stores, devices, payment methods, SKUs, brands,
/// places…) come from a bounded pool, so a typical row allocates only its transaction id. It answers exactly as the
/// document-based <see cref="EventFields.TryParse"/>: the last of duplicate keys wins, keys match after unescaping,
/// numbers are exact decimals of the token's text. Whatever the fast path does not handle as the reference would
/// (invalid JSON, a root or item that is not an object, a missing required field, a number out of range, a bad escape)
/// is handed to the reference parse, so even error messages are the same. Not thread-safe: one per transformer.
/// </summary>
internal sealed class EventReader
{
    /// <summary>Distinct strings kept in the pool; beyond it, new values are allocated as usual.</summary>
    internal const int PoolLimit = 1 << 16;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly HashSet<string> _pool = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _poolLookup;
    private byte[] _bytes = new byte[1024];
    private char[] _chars = new char[256];

    public EventReader() => _poolLookup = _pool.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The event last read.</summary>
    public ParsedEvent Event { get; } = new();

    /// <summary>Rows the fast path handed to the reference parse (for tests).</summary>
    internal long Fallbacks { get; private set; }

    /// <summary>Reads <paramref name="raw"/> into <see cref="Event"/>.</summary>
    /// <param name="raw">The bronze event text.</param>
    /// <param name="storeHint">The bronze row's store id, reused when the event names the same store.</param>
    /// <param name="error">Why the event cannot become silver (the reference parse's message).</param>
    /// <returns>Whether the event could be read.</returns>
    public bool TryRead(string raw, string? storeHint, out string? error)
    {
        error = null;
        try
        {
            if (TryReadFast(raw, storeHint))
            {
                return true;
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or OverflowException or InvalidOperationException or ArgumentException)
        {
            // The reference parse below decides (and words the error).
        }

        Fallbacks++;
        if (!EventFields.TryParse(raw, out EventFields? fields, out error))
        {
            return false;
        }

        Event.From(fields!);
        return true;
    }

    private bool TryReadFast(string raw, string? storeHint)
    {
        int max = s_strictUtf8.GetMaxByteCount(raw.Length);
        if (_bytes.Length < max)
        {
            _bytes = new byte[Math.Max(max, _bytes.Length * 2)];
        }

        int length = s_strictUtf8.GetBytes(raw, _bytes);
        var reader = new Utf8JsonReader(_bytes.AsSpan(0, length), isFinalBlock: true, state: default);
        ParsedEvent e = Event;
        e.Reset();
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        bool hasStore = false, hasPeso = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            Field field = RootField(ref reader);
            reader.Read();
            bool isString = reader.TokenType == JsonTokenType.String;
            switch (field)
            {
                case Field.StoreId:
                    hasStore = isString;
                    e.StoreId = isString ? (storeHint is not null && reader.ValueTextEquals(storeHint) ? storeHint : Pooled(ref reader)) : "";
                    break;
                case Field.TransactionId:
                    e.TransactionId = isString ? reader.GetString() : null;
                    break;
                case Field.DeviceId:
                    e.DeviceId = isString ? Pooled(ref reader) : null;
                    break;
                case Field.Ts:
                    e.Ts = isString && DateTimeOffset.TryParse(Chars(ref reader), CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset ts)
                        ? ts : null;
                    break;
                case Field.PesoValue:
                    hasPeso = TryNumber(ref reader, out decimal? peso, out bool bad) && peso is not null;
                    if (bad)
                    {
                        return false;
                    }

                    e.PesoValue = peso ?? 0m;
                    break;
                case Field.PaymentMethod:
                    e.PaymentMethod = isString ? Pooled(ref reader) : null;
                    break;
                case Field.CustomerId:
                    if (isString)
                    {
                        e.SetCustomer(Chars(ref reader));
                    }
                    else
                    {
                        e.ClearCustomer();
                    }

                    break;
                case Field.CustomerType:
                    e.CustomerType = isString ? Pooled(ref reader) : null;
                    break;
                case Field.CampaignId:
                    e.CampaignId = isString ? Pooled(ref reader) : null;
                    break;
                case Field.HandshakeScore:
                    if (!TryNumber(ref reader, out decimal? score, out _))
                    {
                        return false;
                    }

                    e.HandshakeScore = score;
                    break;
                case Field.Items:
                    e.ItemCount = 0;
                    if (reader.TokenType == JsonTokenType.StartArray && !ReadItems(ref reader))
                    {
                        return false;
                    }

                    break;
                case Field.Location:
                    e.Region = e.Province = e.City = null;
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        ReadLocation(ref reader);
                    }

                    break;
                default:
                    break;
            }

            reader.Skip();
        }

        // The root object must close the input (trailing content is an error for the reference parse too).
        return reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0 && !reader.Read() && hasStore && hasPeso;
    }

    private bool ReadItems(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return false; // the reference parse refuses an item that is not an object
            }

            ref ParsedItem item = ref Event.AddItem();
            decimal? qty = null, price = null, discount = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                ItemField field = ItemFieldOf(ref reader);
                reader.Read();
                bool isString = reader.TokenType == JsonTokenType.String;
                bool bad = false;
                switch (field)
                {
                    case ItemField.Sku: item.Sku = isString ? Pooled(ref reader) : null; break;
                    case ItemField.ProductId: item.ProductId = isString ? Pooled(ref reader) : null; break;
                    case ItemField.Brand: item.Brand = isString ? Pooled(ref reader) : null; break;
                    case ItemField.Category: item.Category = isString ? Pooled(ref reader) : null; break;
                    case ItemField.Qty: TryNumber(ref reader, out qty, out bad); break;
                    case ItemField.UnitPrice: TryNumber(ref reader, out price, out bad); break;
                    case ItemField.Discount: TryNumber(ref reader, out discount, out bad); break;
                    default: break;
                }

                if (bad)
                {
                    return false;
                }

                reader.Skip();
            }

            item.Qty = qty ?? 1m;
            item.UnitPrice = price ?? 0m;
            item.Discount = discount ?? 0m;
        }

        return true;
    }

    private void ReadLocation(ref Utf8JsonReader reader)
    {
        ParsedEvent e = Event;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int which = reader.ValueTextEquals("region"u8) ? 0
                : reader.ValueTextEquals("province"u8) ? 1
                : reader.ValueTextEquals("city"u8) ? 2
                : reader.ValueTextEquals("barangay"u8) ? 3
                : -1;
            reader.Read();
            bool isString = reader.TokenType == JsonTokenType.String;
            switch (which)
            {
                case 0: e.Region = isString ? Pooled(ref reader) : null; break;
                case 1: e.Province = isString ? Pooled(ref reader) : null; break;
                case 2: e.City = isString ? Pooled(ref reader) : null; break;
                case 3:
                    if (isString)
                    {
                        _ = Chars(ref reader); // not kept, but decoded as the reference does (a bad escape fails there too)
                    }

                    break;
                default: break;
            }

            reader.Skip();
        }
    }

    // A number token as an exact decimal (the token's own text, as decimal.Parse reads it); null when not a number;
    // bad when it is a number decimal cannot hold (the reference parse then words the error).
    private static bool TryNumber(ref Utf8JsonReader reader, out decimal? value, out bool bad)
    {
        value = null;
        bad = false;
        if (reader.TokenType != JsonTokenType.Number)
        {
            return true;
        }

        if (TryDecimal(reader.ValueSpan, out decimal parsed))
        {
            value = parsed;
            return true;
        }

        bad = true;
        return false;
    }

    // A JSON number as decimal.Parse(text, NumberStyles.Float, invariant) reads it, scale included (1.50 keeps two
    // decimals). Plain non-negative numbers of at most 18 digits are built directly; others go through decimal.TryParse.
    internal static bool TryDecimal(ReadOnlySpan<byte> number, out decimal value)
    {
        if (number.Length <= 19)
        {
            ulong digits = 0;
            int scale = -1, count = 0;
            bool plain = number.Length > 0;
            foreach (byte b in number)
            {
                uint d = (uint)(b - '0');
                if (d <= 9)
                {
                    digits = digits * 10 + d;
                    count++;
                    scale += scale >= 0 ? 1 : 0;
                }
                else if (b == '.' && scale < 0)
                {
                    scale = 0;
                }
                else
                {
                    plain = false;
                    break;
                }
            }

            if (plain && count is > 0 and <= 18 && scale != 0)
            {
                value = new decimal((int)(uint)digits, (int)(uint)(digits >> 32), 0, isNegative: false, (byte)Math.Max(scale, 0));
                return true;
            }
        }

        return decimal.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    // The string token's text, unescaped, in a reused buffer (valid until the next call).
    private ReadOnlySpan<char> Chars(ref Utf8JsonReader reader)
    {
        int need = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (_chars.Length < need)
        {
            _chars = new char[Math.Max(need, _chars.Length * 2)];
        }

        if (!reader.ValueIsEscaped)
        {
            return _chars.AsSpan(0, s_strictUtf8.GetChars(reader.ValueSpan, _chars));
        }

        return _chars.AsSpan(0, reader.CopyString(_chars));
    }

    private string Pooled(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<char> text = Chars(ref reader);
        if (_poolLookup.TryGetValue(text, out string? pooled))
        {
            return pooled;
        }

        string value = text.ToString();
        if (_pool.Count < PoolLimit)
        {
            _pool.Add(value);
        }

        return value;
    }

    private static Field RootField(ref Utf8JsonReader r) =>
        r.ValueTextEquals("store_id"u8) ? Field.StoreId
        : r.ValueTextEquals("transaction_id"u8) ? Field.TransactionId
        : r.ValueTextEquals("ts"u8) ? Field.Ts
        : r.ValueTextEquals("items"u8) ? Field.Items
        : r.ValueTextEquals("peso_value"u8) ? Field.PesoValue
        : r.ValueTextEquals("payment_method"u8) ? Field.PaymentMethod
        : r.ValueTextEquals("customer_id"u8) ? Field.CustomerId
        : r.ValueTextEquals("customer_type"u8) ? Field.CustomerType
        : r.ValueTextEquals("location"u8) ? Field.Location
        : r.ValueTextEquals("device_id"u8) ? Field.DeviceId
        : r.ValueTextEquals("campaign_id"u8) ? Field.CampaignId
        : r.ValueTextEquals("handshake_score"u8) ? Field.HandshakeScore
        : Field.Other;

    private static ItemField ItemFieldOf(ref Utf8JsonReader r) =>
        r.ValueTextEquals("sku"u8) ? ItemField.Sku
        : r.ValueTextEquals("product_id"u8) ? ItemField.ProductId
        : r.ValueTextEquals("brand"u8) ? ItemField.Brand
        : r.ValueTextEquals("category"u8) ? ItemField.Category
        : r.ValueTextEquals("qty"u8) ? ItemField.Qty
        : r.ValueTextEquals("unit_price"u8) ? ItemField.UnitPrice
        : r.ValueTextEquals("discount"u8) ? ItemField.Discount
        : ItemField.Other;

    private enum Field
    {
        Other,
        StoreId,
        TransactionId,
        DeviceId,
        Ts,
        PesoValue,
        PaymentMethod,
        CustomerId,
        CustomerType,
        CampaignId,
        HandshakeScore,
        Items,
        Location,
    }

    private enum ItemField
    {
        Other,
        Sku,
        ProductId,
        Brand,
        Category,
        Qty,
        UnitPrice,
        Discount,
    }
}
