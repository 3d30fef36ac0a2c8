namespace Lakehouse.Medallion;

/// <summary>
/// The medallion transforms in memory — for the edge device, the quick start and tests without a database. Same
/// rules as <see cref="MedallionRunner"/> (the PostgreSQL engine): fed the same bronze rows in any split of batches,
/// with replays, both produce the same <see cref="MedallionSnapshot"/>.
/// </summary>
public sealed class InMemoryMedallion
{
    private readonly SilverTransformer _transformer;
    private readonly MedallionOptions _options;
    private readonly Dictionary<(string, string), SilverTransaction> _silver = [];
    private readonly List<QuarantinedEvent> _quarantine = [];
    private readonly GoldAggregator _gold = new();
    private readonly Dictionary<string, StoreDimension> _stores = new(StringComparer.Ordinal);
    private long _watermark;
    private MedallionSnapshot? _snapshot; // the last snapshot, while no row has changed a layer since
    private SnapshotSettings _snapshotSettings; // the options it was made with (they are mutable)

    /// <summary>Creates an engine.</summary>
    /// <param name="resolver">Resolves typed places to PSGC codes; places stay unresolved when <see langword="null"/>.</param>
    /// <param name="options">Options; a customer key (<see cref="MedallionOptions.CustomerKey"/>) is required.</param>
    /// <param name="registeredStores">Stores the operator registered (id → tenant); others are added as unknown.</param>
    /// <param name="registeredBrands">Brand spellings of registered products, for brand normalisation.</param>
    /// <exception cref="InvalidOperationException">No customer key is configured.</exception>
    public InMemoryMedallion(
        PlaceResolver? resolver = null,
        MedallionOptions? options = null,
        IReadOnlyDictionary<string, string>? registeredStores = null,
        IEnumerable<string>? registeredBrands = null)
    {
        _options = options ?? new MedallionOptions();
        Pseudonymizer = new CustomerPseudonymizer(_options);
        _transformer = new SilverTransformer(resolver, new BrandNormalizer(registeredBrands ?? []), _options, Pseudonymizer);
        foreach ((string store, string tenant) in registeredStores ?? new Dictionary<string, string>())
        {
            _stores[store] = new StoreDimension(tenant, Registered: true, null);
        }
    }

    /// <summary>The pseudonymizer silver uses (the options' customer keys).</summary>
    public CustomerPseudonymizer Pseudonymizer { get; }

    /// <summary>The highest bronze id processed.</summary>
    public long Watermark => _watermark;

    /// <summary>Processes bronze rows after the watermark, in id order; rows at or below it are replays and ignored.</summary>
    /// <param name="rows">Bronze rows, in any order, possibly repeated.</param>
    /// <returns>What the run did.</returns>
    public MedallionRunResult Process(IEnumerable<BronzeRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        long read = 0, inserted = 0, quarantined = 0;
        var touched = new HashSet<(string, DateOnly)>();
        long watermark = _watermark;
        foreach (BronzeRow row in rows.Where(r => r.Id > watermark).DistinctBy(r => r.Id).OrderBy(r => r.Id))
        {
            read++;
            _watermark = row.Id;
            _stores.TryGetValue(row.StoreId, out StoreDimension? store);
            (SilverTransaction? silver, QuarantinedEvent? bad) = _transformer.Transform(
                row, store?.TenantId ?? _options.DefaultTenantId, store?.Registered ?? false);
            if (silver is not null && _silver.ContainsKey((silver.StoreId, silver.TransactionId)))
            {
                bad = new QuarantinedEvent(row.Id, silver.StoreId, silver.TransactionId, "duplicate_transaction_id",
                    "another event with this store_id and transaction_id is already in silver");
                silver = null;
            }

            if (bad is not null)
            {
                _quarantine.Add(bad);
                quarantined++;
                continue;
            }

            _silver[(silver!.StoreId, silver.TransactionId)] = silver;
            _stores[silver.StoreId] = store is null
                ? new StoreDimension(silver.TenantId, Registered: false, silver.RegionCode)
                : store with { RegionCode = store.RegionCode ?? silver.RegionCode };
            _gold.Add(silver);
            touched.Add((silver.StoreId, silver.DateKey));
            inserted++;
        }

        if (inserted > 0 || quarantined > 0)
        {
            _snapshot = null;
        }

        return new MedallionRunResult(read, inserted, quarantined, touched.Count, _watermark, Skipped: false);
    }

    /// <summary>Every layer as it stands, platinum (basket clusters included) computed from it.</summary>
    /// <remarks>
    /// Platinum and the basket clusters are computed once per change: until <see cref="Process"/> adds or quarantines a
    /// row, further calls return the same snapshot (an immutable record) without refitting. Clusters are refitted from
    /// all of silver after a change, exactly as a first snapshot of the same rows would be.
    /// </remarks>
    /// <returns>The snapshot.</returns>
    public MedallionSnapshot Snapshot()
    {
        var settings = SnapshotSettings.Of(_options);
        if (_snapshot is not null && settings == _snapshotSettings)
        {
            return _snapshot;
        }

        _snapshot = MedallionSnapshot.Create(
            _silver.Values, _quarantine, _gold.DailyMetrics(), _gold.StoreDayCustomers(), _gold.GeoStoreDaily(), _gold.ProductStoreDaily(),
            _stores.ToDictionary(s => s.Key, s => s.Value.RegionCode, StringComparer.Ordinal),
            settings.AnomalyThreshold, clustering: _options.Clustering);
        _snapshotSettings = settings;
        return _snapshot;
    }

    // Every option a snapshot depends on, by value: a snapshot is reused only while they are unchanged too.
    private readonly record struct SnapshotSettings(
        decimal AnomalyThreshold, BasketClusteringOptions? Clustering, bool Enabled, int? ClusterCount, int MinClusters, int MaxClusters,
        int Seed, int SelectionSampleSize, int SilhouetteSampleSize, int MaxIterations)
    {
        public static SnapshotSettings Of(MedallionOptions o)
        {
            BasketClusteringOptions? c = o.Clustering;
            return c is null
                ? new SnapshotSettings(o.AnomalyThreshold, null, false, null, 0, 0, 0, 0, 0, 0)
                : new SnapshotSettings(o.AnomalyThreshold, c, c.Enabled, c.ClusterCount, c.MinClusters, c.MaxClusters,
                    c.Seed, c.SelectionSampleSize, c.SilhouetteSampleSize, c.MaxIterations);
        }
    }

    private sealed record StoreDimension(string TenantId, bool Registered, string? RegionCode);
}
