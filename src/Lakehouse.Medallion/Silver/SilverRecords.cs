namespace Lakehouse.Medallion;

/// <summary>A cleaned, typed transaction: one row of <c>scout.silver_transactions</c>.</summary>
/// <remarks>Money is exact (<see cref="decimal"/>, PostgreSQL <c>numeric</c>): never rounded on the way in.</remarks>
public sealed record SilverTransaction
{
    /// <summary>The store.</summary>
    public required string StoreId { get; init; }

    /// <summary>The POS's transaction id, or the hex event hash when the event had none.</summary>
    public required string TransactionId { get; init; }

    /// <summary>The tenant the store belongs to.</summary>
    public string TenantId { get; init; } = "default";

    /// <summary>The bronze row it came from.</summary>
    public long BronzeId { get; init; }

    /// <summary>The event hash (32 bytes).</summary>
    public required byte[] EventHash { get; init; }

    /// <summary>The device that sent it, if known.</summary>
    public string? DeviceId { get; init; }

    /// <summary>When it happened (the event's <c>ts</c>, else when it was received).</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The Philippine local date.</summary>
    public DateOnly DateKey { get; init; }

    /// <summary>The Philippine time of day.</summary>
    public TimeOfDay TimeOfDay { get; init; }

    /// <summary>The customer (a pseudonym from silver on), if any.</summary>
    public string? CustomerId { get; init; }

    /// <summary><c>new</c>, <c>returning</c>, <c>vip</c> or <c>churned</c>, if given.</summary>
    public string? CustomerType { get; init; }

    /// <summary>Gross sales: Σ qty × unit price over the items, or the peso value when there are no items.</summary>
    public decimal TotalAmount { get; init; }

    /// <summary>Σ item discounts.</summary>
    public decimal DiscountAmount { get; init; }

    /// <summary>Net sales: the peso value paid.</summary>
    public decimal NetAmount { get; init; }

    /// <summary>The event's <c>peso_value</c>.</summary>
    public decimal PesoValue { get; init; }

    /// <summary>The payment method, if given.</summary>
    public string? PaymentMethod { get; init; }

    /// <summary>Number of item lines.</summary>
    public int ItemCount { get; init; }

    /// <summary>Number of distinct products.</summary>
    public int UniqueProducts { get; init; }

    /// <summary>Σ quantities.</summary>
    public decimal Units { get; init; }

    /// <summary>The campaign, if any.</summary>
    public string? CampaignId { get; init; }

    /// <summary>The handshake score 0..1, if given.</summary>
    public decimal? HandshakeScore { get; init; }

    /// <summary>Resolved PSGC region code, if any.</summary>
    public string? RegionCode { get; init; }

    /// <summary>Resolved PSGC (geographic) province code, if any.</summary>
    public string? ProvinceCode { get; init; }

    /// <summary>Resolved PSGC city/municipality code, if any.</summary>
    public string? CitymunCode { get; init; }

    /// <summary>The place resolver's status (<c>exact</c>, <c>fuzzy</c>, <c>ambiguous</c>, <c>conflict</c>, <c>not_found</c>, <c>missing</c>).</summary>
    public string GeoStatus { get; init; } = "missing";

    /// <summary>Quality in 0..1 from the explicit rules (see <see cref="QualityFlags"/>).</summary>
    public decimal QualityScore { get; init; }

    /// <summary>The quality rules this row broke.</summary>
    public IReadOnlyList<string> QualityFlags { get; init; } = [];

    /// <summary>The item lines.</summary>
    public IReadOnlyList<SilverLineItem> Lines { get; init; } = [];
}

/// <summary>One item line: a row of <c>scout.silver_line_items</c>.</summary>
/// <param name="LineNo">1-based position in the event's <c>items</c>.</param>
/// <param name="ProductId">The <c>product_id</c>, else the <c>sku</c>.</param>
/// <param name="Brand">The brand, normalised against <c>dim_product</c> where possible.</param>
/// <param name="Category">The category, if given.</param>
/// <param name="Quantity">The quantity (&gt; 0).</param>
/// <param name="UnitPrice">The unit price (≥ 0).</param>
/// <param name="LineAmount">Quantity × unit price.</param>
/// <param name="DiscountAmount">The line's discount.</param>
public sealed record SilverLineItem(
    int LineNo, string ProductId, string? Brand, string? Category, decimal Quantity, decimal UnitPrice, decimal LineAmount, decimal DiscountAmount);

/// <summary>A bronze row that could not become silver, with why.</summary>
/// <param name="BronzeId">The bronze row.</param>
/// <param name="StoreId">Its store, if readable.</param>
/// <param name="TransactionId">Its transaction id, if readable.</param>
/// <param name="Reason">A short code: <c>unparseable</c>, <c>duplicate_transaction_id</c>, …</param>
/// <param name="Detail">A human-readable explanation.</param>
public sealed record QuarantinedEvent(long BronzeId, string? StoreId, string? TransactionId, string Reason, string? Detail);
