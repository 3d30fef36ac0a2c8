namespace Lakehouse.Medallion;

/// <summary>Options of the medallion transforms; bind to <c>Lakehouse:Medallion</c>.</summary>
public sealed class MedallionOptions
{
    /// <summary>The tenant new stores belong to (an operator can move a store by updating <c>dim_store.tenant_id</c>).</summary>
    /// <value>Default <c>default</c>.</value>
    public string DefaultTenantId { get; set; } = "default";

    /// <summary>Bronze rows read per transaction of a run.</summary>
    /// <value>Default 50 000.</value>
    public int BatchSize { get; set; } = 50_000;

    /// <summary>How far after its receipt an event's <c>ts</c> may lie before the quality rule <c>implausible_time</c> fires.</summary>
    /// <value>Default 5 minutes.</value>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long before its receipt an event's <c>ts</c> may lie before <c>implausible_time</c> fires.</summary>
    /// <value>Default 366 days.</value>
    public TimeSpan MaxEventAge { get; set; } = TimeSpan.FromDays(366);

    /// <summary>|robust z| above which a store-day is flagged an anomaly.</summary>
    /// <value>Default 3.5.</value>
    public decimal AnomalyThreshold { get; set; } = 3.5m;

    /// <summary>Basket segments (transaction clustering) in platinum.</summary>
    public BasketClusteringOptions Clustering { get; set; } = new();

    /// <summary>Key of a keyed <c>NpgsqlDataSource</c> registration to use; <see langword="null"/> for the unkeyed one.</summary>
    public string? DataSourceKey { get; set; }

    /// <summary>
    /// The master key for customer pseudonyms: each tenant's HMAC key is derived from it with HKDF-SHA256 (info
    /// <c>lakehouse/customer-pseudonym/v1/&lt;tenant&gt;</c>), so pseudonyms never link across tenants. Required unless
    /// every tenant has an entry in <see cref="TenantCustomerKeys"/>: the engines refuse to start without a key.
    /// </summary>
    public CustomerKey? CustomerKey { get; set; }

    /// <summary>Per-tenant keys used as they are (no derivation), overriding <see cref="CustomerKey"/> for those tenants.</summary>
    public IDictionary<string, CustomerKey> TenantCustomerKeys { get; } = new Dictionary<string, CustomerKey>(StringComparer.Ordinal);

    /// <summary>
    /// Versioned AES-256-GCM keys for the encrypted contact fields of <c>dim_customer</c>; the highest version encrypts.
    /// When empty, runs store no contact fields (the mobile number or e-mail a customer id held is only pseudonymized).
    /// </summary>
    public IList<ContactKey> ContactKeys { get; } = new List<ContactKey>();
}
