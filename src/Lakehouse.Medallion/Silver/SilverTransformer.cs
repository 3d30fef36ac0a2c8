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

    public (SilverTransaction? Silver, QuarantinedEvent? Quarantined) Transform(BronzeRow row, string tenantId, bool storeRegistered) =>
        Transform(row, tenantId, storeRegistered, captureContact: false, out _);

    // The silver row; from silver on the customer id is a pseudonym (the raw one stays in bronze only). With
    // captureContact, contact receives the normalized mobile number or e-mail the customer id held (for dim_customer,
    // encrypted).
    public (SilverTransaction? Silver, QuarantinedEvent? Quarantined) Transform(
        BronzeRow row, string tenantId, bool storeRegistered, bool captureContact, out CustomerContactValue? contact)
    {
        contact = null;
        if (!EventFields.TryParse(row.Raw, out EventFields? e, out string? error))
        {
            return (null, new QuarantinedEvent(row.Id, row.StoreId, null, "unparseable", error));
        }

        string? customerId = null;
        if (e!.CustomerId is { } rawCustomer)
        {
            Span<char> pseudonym = stackalloc char[CustomerPseudonymizer.MaxLength];
            Span<char> normalized = captureContact ? stackalloc char[CustomerContactValue.MaxLength] : default;
            if (pseudonymizer.TryPseudonymize(tenantId, rawCustomer, pseudonym, out int written, out CustomerIdentifierKind kind, normalized, out int normalizedLength))
            {
                customerId = new string(pseudonym[..written]);
                if (captureContact && kind is CustomerIdentifierKind.Phone or CustomerIdentifierKind.Email && normalizedLength > 0)
                {
                    contact = new CustomerContactValue(customerId, tenantId, kind, new string(normalized[..normalizedLength]));
                }
            }
        }

        string transactionId = e.TransactionId ?? Convert.ToHexStringLower(row.EventHash);
        DateTimeOffset ts = e.Ts ?? row.IngestedAt;
        var flags = new List<string>();

        var lines = new List<SilverLineItem>(e.Items.Count);
        decimal gross = 0m, discount = 0m, units = 0m;
        var products = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < e.Items.Count; i++)
        {
            ItemFields item = e.Items[i];
            string productId = item.ProductId ?? item.Sku ?? "unknown";
            decimal amount = item.Qty * item.UnitPrice;
            lines.Add(new SilverLineItem(i + 1, productId, brands.Normalize(item.Brand), item.Category, item.Qty, item.UnitPrice, amount, item.Discount));
            gross += amount;
            discount += item.Discount;
            units += item.Qty;
            products.Add(productId);
        }

        if (lines.Count == 0)
        {
            flags.Add("no_items");
            gross = e.PesoValue;
        }
        else if (Math.Abs(gross - discount - e.PesoValue) > 0.01m)
        {
            flags.Add("items_sum_mismatch");
        }

        if (!storeRegistered)
        {
            flags.Add("unknown_store");
        }

        PlaceAnswer place = e.Region is null && e.Province is null && e.City is null
            ? new PlaceAnswer("missing", null, null, null)
            : resolver?.Invoke(e.Region, e.Province, e.City) ?? new PlaceAnswer("not_found", null, null, null);
        if (place.Status is not ("exact" or "fuzzy"))
        {
            flags.Add("place_unresolved");
        }

        if (e.Ts is null || ts > row.IngestedAt + options.MaxClockSkew || ts < row.IngestedAt - options.MaxEventAge)
        {
            flags.Add("implausible_time");
        }

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
            ItemCount = lines.Count,
            UniqueProducts = products.Count,
            Units = units,
            CampaignId = e.CampaignId,
            HandshakeScore = e.HandshakeScore,
            RegionCode = place.RegionCode,
            ProvinceCode = place.ProvinceCode,
            CitymunCode = place.CitymunCode,
            GeoStatus = place.Status,
            QualityScore = Math.Round(1m - ((decimal)flags.Count / QualityRules.Length), 2, MidpointRounding.AwayFromZero),
            QualityFlags = flags,
            Lines = lines,
        };
        return (silver, null);
    }
}

/// <summary>The contact value a customer id held (a phone number in E.164 or an e-mail), bound for encryption.</summary>
internal sealed record CustomerContactValue(string CustomerId, string TenantId, CustomerIdentifierKind Kind, string Value)
{
    /// <summary>Longest contact value kept (longer e-mails are pseudonymized but not stored as contacts).</summary>
    public const int MaxLength = 254;
}
