namespace Lakehouse.Ingest;

/// <summary>The <c>payment_method</c> of a transaction.</summary>
public enum PaymentMethod
{
    /// <summary><c>cash</c></summary>
    Cash = 1,

    /// <summary><c>gcash</c></summary>
    GCash,

    /// <summary><c>maya</c></summary>
    Maya,

    /// <summary><c>card</c></summary>
    Card,

    /// <summary><c>other</c></summary>
    Other,
}

/// <summary>The <c>customer_type</c> of a transaction.</summary>
public enum CustomerType
{
    /// <summary><c>new</c></summary>
    New = 1,

    /// <summary><c>returning</c></summary>
    Returning,

    /// <summary><c>vip</c></summary>
    Vip,

    /// <summary><c>churned</c></summary>
    Churned,
}

/// <summary>The <c>category</c> of a line item.</summary>
public enum ItemCategory
{
    /// <summary><c>beverages</c></summary>
    Beverages = 1,

    /// <summary><c>snacks</c></summary>
    Snacks,

    /// <summary><c>personal_care</c></summary>
    PersonalCare,

    /// <summary><c>household</c></summary>
    Household,

    /// <summary><c>tobacco</c></summary>
    Tobacco,

    /// <summary><c>other</c></summary>
    Other,
}
