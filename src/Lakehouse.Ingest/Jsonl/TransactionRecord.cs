using System.Globalization;
using System.Text;

namespace Lakehouse.Ingest;

/// <summary>
/// A view of the current valid line of a <see cref="JsonlReader"/>: typed, allocation-free access to the known
/// fields, the raw line bytes and the event hash.
/// </summary>
/// <remarks>
/// Valid only until the reader moves to the next line (or is disposed): the spans point into the reader's
/// buffers. Call <see cref="ToEvent"/> or copy what must outlive the line. String fields are UTF-8 with JSON
/// escapes already resolved; an absent (or <c>null</c>) string field is an empty span.
/// </remarks>
public readonly ref struct TransactionRecord
{
    private readonly TransactionParser _p;
    private readonly ReadOnlySpan<byte> _line;

    internal TransactionRecord(TransactionParser parser, ReadOnlySpan<byte> line, long lineNumber, long byteOffset)
    {
        _p = parser;
        _line = line;
        LineNumber = lineNumber;
        ByteOffset = byteOffset;
    }

    /// <summary>The 1-based line number (for a JSON array body, the 1-based element index).</summary>
    public long LineNumber { get; }

    /// <summary>The offset of the line's first byte in the input.</summary>
    public long ByteOffset { get; }

    /// <summary>The line exactly as received, without its line terminator.</summary>
    public ReadOnlySpan<byte> Raw => _line;

    /// <summary>The 32-byte event hash (<see cref="EventHasher"/>), the dedup key together with <see cref="StoreId"/>.</summary>
    public ReadOnlySpan<byte> EventHash => _p.Hash;

    /// <summary><c>store_id</c> (required, never empty).</summary>
    public ReadOnlySpan<byte> StoreId => _p.Get(_p.StoreId, _line);

    /// <summary><c>transaction_id</c>; empty when absent (the event hash then stands in).</summary>
    public ReadOnlySpan<byte> TransactionId => _p.Get(_p.TransactionId, _line);

    /// <summary><c>device_id</c>; empty when absent (the host then uses the <c>x-device-id</c> header or the landing path).</summary>
    public ReadOnlySpan<byte> DeviceId => _p.Get(_p.DeviceId, _line);

    /// <summary><c>ts</c>, parsed; <see langword="null"/> when absent (the time received stands in).</summary>
    public DateTimeOffset? Timestamp => _p.Timestamp;

    /// <summary><c>peso_value</c> as an exact decimal (rounded only if it has more than 28 significant digits).</summary>
    public decimal PesoValue => ParseDecimal(_p.Get(_p.PesoValue, _line)) ?? 0m;

    /// <summary>The text of <c>peso_value</c> exactly as sent.</summary>
    public ReadOnlySpan<byte> PesoValueText => _p.Get(_p.PesoValue, _line);

    /// <summary><c>payment_method</c>; <see langword="null"/> when absent.</summary>
    public PaymentMethod? PaymentMethod => _p.Payment;

    /// <summary><c>customer_id</c>; empty when absent.</summary>
    public ReadOnlySpan<byte> CustomerId => _p.Get(_p.CustomerId, _line);

    /// <summary><c>customer_type</c>; <see langword="null"/> when absent.</summary>
    public CustomerType? CustomerType => _p.Customer;

    /// <summary><c>campaign_id</c>; empty when absent.</summary>
    public ReadOnlySpan<byte> CampaignId => _p.Get(_p.CampaignId, _line);

    /// <summary><c>handshake_score</c> (0..1); <see langword="null"/> when absent.</summary>
    public decimal? HandshakeScore => ParseDecimal(_p.Get(_p.HandshakeScore, _line));

    /// <summary>Whether the event has a <c>location</c> object.</summary>
    public bool HasLocation => _p.HasLocation;

    /// <summary><c>location.region</c> as typed; empty when absent.</summary>
    public ReadOnlySpan<byte> Region => _p.Get(_p.Region, _line);

    /// <summary><c>location.province</c> as typed; empty when absent.</summary>
    public ReadOnlySpan<byte> Province => _p.Get(_p.Province, _line);

    /// <summary><c>location.city</c> as typed; empty when absent.</summary>
    public ReadOnlySpan<byte> City => _p.Get(_p.City, _line);

    /// <summary><c>location.barangay</c> as typed; empty when absent.</summary>
    public ReadOnlySpan<byte> Barangay => _p.Get(_p.Barangay, _line);

    /// <summary>The number of line items.</summary>
    public int ItemCount => _p.ItemCount;

    /// <summary>The line item at <paramref name="index"/> (0-based).</summary>
    /// <param name="index">0 to <see cref="ItemCount"/> - 1.</param>
    /// <returns>A view valid as long as this record.</returns>
    public TransactionItemView GetItem(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_p.ItemCount, nameof(index));
        return new TransactionItemView(_p, _line, index);
    }

    /// <summary>Copies the record into a <see cref="TransactionEvent"/> that outlives the line (allocates).</summary>
    /// <returns>The materialized event.</returns>
    public TransactionEvent ToEvent()
    {
        var items = new TransactionItem[ItemCount];
        for (int i = 0; i < items.Length; i++)
        {
            TransactionItemView v = GetItem(i);
            items[i] = new TransactionItem(Str(v.Sku), Str(v.ProductId), Str(v.Brand), v.Category, v.Quantity, v.UnitPrice, v.Discount);
        }

        return new TransactionEvent
        {
            StoreId = Encoding.UTF8.GetString(StoreId),
            TransactionId = Str(TransactionId),
            DeviceId = Str(DeviceId),
            Timestamp = Timestamp,
            PesoValue = PesoValue,
            PaymentMethod = PaymentMethod,
            CustomerId = Str(CustomerId),
            CustomerType = CustomerType,
            CampaignId = Str(CampaignId),
            HandshakeScore = HandshakeScore,
            Items = items,
            Location = HasLocation ? new StoreLocation(Str(Region), Str(Province), Str(City), Str(Barangay)) : null,
            EventHash = Convert.ToHexStringLower(EventHash),
        };
    }

    private static string? Str(ReadOnlySpan<byte> utf8) => utf8.IsEmpty ? null : Encoding.UTF8.GetString(utf8);

    internal static decimal? ParseDecimal(ReadOnlySpan<byte> text) =>
        text.IsEmpty ? null
        : decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal d) ? d
        : 0m; // only an underflow such as 1e-400 fails here, and its nearest decimal is 0
}

/// <summary>A view of one line item of a <see cref="TransactionRecord"/>, valid as long as the record.</summary>
public readonly ref struct TransactionItemView
{
    private readonly TransactionParser _p;
    private readonly ReadOnlySpan<byte> _line;
    private readonly int _index;

    internal TransactionItemView(TransactionParser parser, ReadOnlySpan<byte> line, int index)
    {
        _p = parser;
        _line = line;
        _index = index;
    }

    /// <summary><c>sku</c>; empty when absent.</summary>
    public ReadOnlySpan<byte> Sku => _p.Get(_p.Items[_index].Sku, _line);

    /// <summary><c>product_id</c>; empty when absent.</summary>
    public ReadOnlySpan<byte> ProductId => _p.Get(_p.Items[_index].ProductId, _line);

    /// <summary><c>brand</c>; empty when absent.</summary>
    public ReadOnlySpan<byte> Brand => _p.Get(_p.Items[_index].Brand, _line);

    /// <summary><c>category</c>; <see langword="null"/> when absent.</summary>
    public ItemCategory? Category => _p.Items[_index].Category;

    /// <summary><c>qty</c> (greater than 0); <see langword="null"/> when absent.</summary>
    public decimal? Quantity => TransactionRecord.ParseDecimal(_p.Get(_p.Items[_index].Qty, _line));

    /// <summary><c>unit_price</c> (0 or more); <see langword="null"/> when absent.</summary>
    public decimal? UnitPrice => TransactionRecord.ParseDecimal(_p.Get(_p.Items[_index].UnitPrice, _line));

    /// <summary><c>discount</c> (0 or more); <see langword="null"/> when absent.</summary>
    public decimal? Discount => TransactionRecord.ParseDecimal(_p.Get(_p.Items[_index].Discount, _line));
}
