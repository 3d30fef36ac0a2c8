namespace Lakehouse.Medallion;

/// <summary>Resolves a typed place to PSGC codes; Lakehouse.Geo's resolver is the usual one.</summary>
/// <param name="region">The typed region, if any.</param>
/// <param name="province">The typed province, if any.</param>
/// <param name="city">The typed city or municipality, if any.</param>
/// <returns>The status and the codes resolved.</returns>
public delegate PlaceAnswer PlaceResolver(string? region, string? province, string? city);

/// <summary>
/// The silver rules, once, for both engines: bronze event → typed silver transaction and line items, with Philippine
/// date and time of day, PSGC codes, normalised brands and a quality score from explicit rules.
/// </summary>
internal sealed class SilverTransformer(PlaceResolver? resolver, BrandNormalizer brands, MedallionOptions options, CustomerPseudonymizer pseudonymizer)
{
    /// <summary>The quality rules, each worth an equal share of the score.</summary>
    internal static readonly string[] QualityRules =
        ["items_sum_mismatch", "no_items", "unknown_store", "place_unresolved", "implausible_time"];

    /// <summary>Entries each per-transformer cache (places, brands, pseudonyms) keeps at most; beyond it answers are computed per row.</summary>
    internal const int CacheLimit = 1 << 16;

    private const int NoItems = 1, ItemsSumMismatch = 2, UnknownStore = 4, PlaceUnresolved = 8, ImplausibleTime = 16;

    // The flags of every combination of broken rules, in the order the rules are checked (shared, read-only).
    private static readonly IReadOnlyList<string>[] s_flagSets = [.. Enumerable.Range(0, 32).Select(FlagSet)];

    private static readonly decimal[] s_scores =
        [.. Enumerable.Range(0, QualityRules.Length + 1).Select(n => Math.Round(1m - ((decimal)n / QualityRules.Length), 2, MidpointRounding.AwayFromZero))];

    private readonly EventReader _reader = new();
    private readonly Dictionary<(string? Region, string? Province, string? City), PlaceAnswer> _places = [];
    private readonly Dictionary<string, string?> _brands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PseudonymCache> _pseudonyms = new(StringComparer.Ordinal);
    private int _pseudonymCount;

    /// <summary>Rows the fast event reader handed to the document-based parse (for tests).</summary>
    internal long ParseFallbacks => _reader.Fallbacks;

    // Bronze keeps any amount the contract allows (up to 10^28); silver takes one transaction's amounts up to 10^15
    // pesos or units, so that gold can add ~10^13 of them without leaving decimal's range (either engine), and
    // quarantines the rest with reason amount_out_of_range.
    internal const decimal MaxAmount = 1_000_000_000_000_000m;

    private static QuarantinedEvent OutOfRange(BronzeRow row, ParsedEvent e, string why) =>
        new(row.Id, row.StoreId, e.TransactionId, "amount_out_of_range", "the transaction cannot be aggregated: " + why);

    public (SilverTransaction? Silver, QuarantinedEvent? Quarantined) Transform(BronzeRow row, string tenantId, bool storeRegistered) =>
        Transform(row, tenantId, storeRegistered, captureContact: false, out _);

    // The silver row; from silver on the customer id is a pseudonym (the raw one stays in bronze only). With
    // captureContact, contact receives the normalized mobile number or e-mail the customer id held (for dim_customer,
    // encrypted). Not thread-safe (one reused event buffer and caches per transformer).
    public (SilverTransaction? Silver, QuarantinedEvent? Quarantined) Transform(
        BronzeRow row, string tenantId, bool storeRegistered, bool captureContact, out CustomerContactValue? contact)
    {
        contact = null;
        if (!_reader.TryRead(row.Raw, row.StoreId, out string? error))
        {
            return (null, new QuarantinedEvent(row.Id, row.StoreId, null, "unparseable", error));
        }

        ParsedEvent e = _reader.Event;
        string? customerId = null;
        if (e.HasCustomer)
        {
            customerId = captureContact ? PseudonymWithContact(tenantId, e.CustomerId, out contact) : Pseudonym(tenantId, e.CustomerId);
        }

        string transactionId = e.TransactionId ?? Convert.ToHexStringLower(row.EventHash);
        DateTimeOffset ts = e.Ts ?? row.IngestedAt;
        int flags = 0;

        SilverLineItem[] lines = e.ItemCount == 0 ? [] : new SilverLineItem[e.ItemCount];
        decimal gross = 0m, discount = 0m, units = 0m;
        try
        {
            for (int i = 0; i < e.ItemCount; i++)
            {
                ref readonly ParsedItem item = ref e.Items[i];
                string productId = item.ProductId ?? item.Sku ?? "unknown";
                decimal amount = item.Qty * item.UnitPrice;
                lines[i] = new SilverLineItem(i + 1, productId, Brand(item.Brand), item.Category, item.Qty, item.UnitPrice, amount, item.Discount);
                gross += amount;
                discount += item.Discount;
                units += item.Qty;
            }
        }
        catch (OverflowException)
        {
            return (null, OutOfRange(row, e, "its line amounts overflow a decimal"));
        }

        if (Math.Abs(e.PesoValue) > MaxAmount || Math.Abs(gross) > MaxAmount || Math.Abs(discount) > MaxAmount || Math.Abs(units) > MaxAmount)
        {
            return (null, OutOfRange(row, e, "peso_value, the item total, discount or units exceed 10^15"));
        }

        if (lines.Length == 0)
        {
            flags |= NoItems;
            gross = e.PesoValue;
        }
        else if (Math.Abs(gross - discount - e.PesoValue) > 0.01m)
        {
            flags |= ItemsSumMismatch;
        }

        if (!storeRegistered)
        {
            flags |= UnknownStore;
        }

        PlaceAnswer place = e.Region is null && e.Province is null && e.City is null
            ? new PlaceAnswer("missing", null, null, null)
            : Place(e.Region, e.Province, e.City);
        if (place.Status is not ("exact" or "fuzzy"))
        {
            flags |= PlaceUnresolved;
        }

        if (e.Ts is null || ts > row.IngestedAt + options.MaxClockSkew || ts < row.IngestedAt - options.MaxEventAge)
        {
            flags |= ImplausibleTime;
        }

        IReadOnlyList<string> flagList = s_flagSets[flags];
        var silver = new SilverTransaction
        {
            StoreId = e.StoreId,
            TransactionId = transactionId,
            TenantId = tenantId,
            BronzeId = row.Id,
            EventHash = row.EventHash,
            DeviceId = e.DeviceId ?? row.DeviceId,
            Timestamp = ts,
            DateKey = PhilippineTime.DateKey(ts),
            TimeOfDay = PhilippineTime.TimeOfDayOf(ts),
            CustomerId = customerId,
            CustomerType = e.CustomerType,
            TotalAmount = gross,
            DiscountAmount = discount,
            NetAmount = e.PesoValue,
            PesoValue = e.PesoValue,
            PaymentMethod = e.PaymentMethod,
            ItemCount = lines.Length,
            UniqueProducts = DistinctProducts(lines),
            Units = units,
            CampaignId = e.CampaignId,
            HandshakeScore = e.HandshakeScore,
            RegionCode = place.RegionCode,
            ProvinceCode = place.ProvinceCode,
            CitymunCode = place.CitymunCode,
            GeoStatus = place.Status,
            QualityScore = s_scores[flagList.Count],
            QualityFlags = flagList,
            Lines = lines,
        };
        return (silver, null);
    }

    private static IReadOnlyList<string> FlagSet(int mask)
    {
        var flags = new List<string>(5);
        if ((mask & NoItems) != 0)
        {
            flags.Add("no_items");
        }

        if ((mask & ItemsSumMismatch) != 0)
        {
            flags.Add("items_sum_mismatch");
        }

        if ((mask & UnknownStore) != 0)
        {
            flags.Add("unknown_store");
        }

        if ((mask & PlaceUnresolved) != 0)
        {
            flags.Add("place_unresolved");
        }

        if ((mask & ImplausibleTime) != 0)
        {
            flags.Add("implausible_time");
        }

        return flags.AsReadOnly();
    }

    private static int DistinctProducts(SilverLineItem[] lines)
    {
        if (lines.Length > 16)
        {
            return lines.Select(l => l.ProductId).Distinct(StringComparer.Ordinal).Count();
        }

        int distinct = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            int j = 0;
            while (j < i && !string.Equals(lines[j].ProductId, lines[i].ProductId, StringComparison.Ordinal))
            {
                j++;
            }

            distinct += j == i ? 1 : 0;
        }

        return distinct;
    }

    // The resolver's answer per distinct typed (region, province, city): resolvers answer by the typed text alone.
    private PlaceAnswer Place(string? region, string? province, string? city)
    {
        if (resolver is null)
        {
            return new PlaceAnswer("not_found", null, null, null);
        }

        if (_places.TryGetValue((region, province, city), out PlaceAnswer cached))
        {
            return cached;
        }

        PlaceAnswer answer = resolver(region, province, city);
        if (_places.Count < CacheLimit)
        {
            _places[(region, province, city)] = answer;
        }

        return answer;
    }

    private string? Brand(string? typed)
    {
        if (typed is null)
        {
            return null;
        }

        if (_brands.TryGetValue(typed, out string? cached))
        {
            return cached;
        }

        string? normalized = brands.Normalize(typed);
        if (_brands.Count < CacheLimit)
        {
            _brands[typed] = normalized;
        }

        return normalized;
    }

    // The pseudonym of a customer id (null when it is blank), remembered per tenant and typed id: the key is fixed for
    // the transformer's life, so the answer is too.
    private string? Pseudonym(string tenantId, ReadOnlySpan<char> raw)
    {
        if (!_pseudonyms.TryGetValue(tenantId, out PseudonymCache? cache))
        {
            _pseudonyms[tenantId] = cache = new PseudonymCache();
        }

        if (cache.Lookup.TryGetValue(raw, out string? known))
        {
            return known;
        }

        Span<char> pseudonym = stackalloc char[CustomerPseudonymizer.MaxLength];
        string? value = pseudonymizer.TryPseudonymize(tenantId, raw, pseudonym, out int written, out _, default, out _)
            ? new string(pseudonym[..written]) : null;
        if (_pseudonymCount < CacheLimit)
        {
            cache.Lookup.TryAdd(raw, value);
            _pseudonymCount++;
        }

        return value;
    }

    private string? PseudonymWithContact(string tenantId, ReadOnlySpan<char> raw, out CustomerContactValue? contact)
    {
        contact = null;
        Span<char> pseudonym = stackalloc char[CustomerPseudonymizer.MaxLength];
        Span<char> normalized = stackalloc char[CustomerContactValue.MaxLength];
        if (!pseudonymizer.TryPseudonymize(tenantId, raw, pseudonym, out int written, out CustomerIdentifierKind kind, normalized, out int normalizedLength))
        {
            return null;
        }

        string customerId = new(pseudonym[..written]);
        if (kind is CustomerIdentifierKind.Phone or CustomerIdentifierKind.Email && normalizedLength > 0)
        {
            contact = new CustomerContactValue(customerId, tenantId, kind, new string(normalized[..normalizedLength]));
        }

        return customerId;
    }

    private sealed class PseudonymCache
    {
        public PseudonymCache() => Lookup = Map.GetAlternateLookup<ReadOnlySpan<char>>();

        public Dictionary<string, string?> Map { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string?>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }
    }
}

/// <summary>The contact value a customer id held (a phone number in E.164 or an e-mail), bound for encryption.</summary>
internal sealed record CustomerContactValue(string CustomerId, string TenantId, CustomerIdentifierKind Kind, string Value)
{
    /// <summary>Longest contact value kept (longer e-mails are pseudonymized but not stored as contacts).</summary>
    public const int MaxLength = 254;
}
