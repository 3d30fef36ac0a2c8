namespace Lakehouse.Ingest;

/// <summary>A validated transaction event as an object (see DESIGN.md "Transaction event"); made by <see cref="TransactionRecord.ToEvent"/>.</summary>
public sealed record TransactionEvent
{
    /// <summary><c>store_id</c>.</summary>
    public required string StoreId { get; init; }

    /// <summary><c>transaction_id</c>, or <see langword="null"/>.</summary>
    public string? TransactionId { get; init; }

    /// <summary><c>device_id</c>, or <see langword="null"/>.</summary>
    public string? DeviceId { get; init; }

    /// <summary><c>ts</c>, or <see langword="null"/>.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary><c>peso_value</c>.</summary>
    public decimal PesoValue { get; init; }

    /// <summary><c>payment_method</c>, or <see langword="null"/>.</summary>
    public PaymentMethod? PaymentMethod { get; init; }

    /// <summary><c>customer_id</c>, or <see langword="null"/>.</summary>
    public string? CustomerId { get; init; }

    /// <summary><c>customer_type</c>, or <see langword="null"/>.</summary>
    public CustomerType? CustomerType { get; init; }

    /// <summary><c>campaign_id</c>, or <see langword="null"/>.</summary>
    public string? CampaignId { get; init; }

    /// <summary><c>handshake_score</c>, or <see langword="null"/>.</summary>
    public decimal? HandshakeScore { get; init; }

    /// <summary><c>items</c>; empty when absent.</summary>
    public IReadOnlyList<TransactionItem> Items { get; init; } = [];

    /// <summary><c>location</c> as typed, or <see langword="null"/>.</summary>
    public StoreLocation? Location { get; init; }

    /// <summary>The event hash as 64 lower-case hex digits.</summary>
    public required string EventHash { get; init; }
}

/// <summary>One line item of a <see cref="TransactionEvent"/>.</summary>
/// <param name="Sku"><c>sku</c>, or <see langword="null"/> (then <paramref name="ProductId"/> is set).</param>
/// <param name="ProductId"><c>product_id</c>, or <see langword="null"/>.</param>
/// <param name="Brand"><c>brand</c>, or <see langword="null"/>.</param>
/// <param name="Category"><c>category</c>, or <see langword="null"/>.</param>
/// <param name="Quantity"><c>qty</c>, or <see langword="null"/>.</param>
/// <param name="UnitPrice"><c>unit_price</c>, or <see langword="null"/>.</param>
/// <param name="Discount"><c>discount</c>, or <see langword="null"/>.</param>
public sealed record TransactionItem(string? Sku, string? ProductId, string? Brand, ItemCategory? Category, decimal? Quantity, decimal? UnitPrice, decimal? Discount);

/// <summary>The store's location as typed at the store (messy; resolved later by Lakehouse.Geo).</summary>
/// <param name="Region"><c>region</c>, or <see langword="null"/>.</param>
/// <param name="Province"><c>province</c>, or <see langword="null"/>.</param>
/// <param name="City"><c>city</c>, or <see langword="null"/>.</param>
/// <param name="Barangay"><c>barangay</c>, or <see langword="null"/>.</param>
public sealed record StoreLocation(string? Region, string? Province, string? City, string? Barangay);
