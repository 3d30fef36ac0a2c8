namespace Lakehouse.Ingest;

/// <summary>Settings for <see cref="EdgeTokenIssuer"/> and <see cref="EdgeTokenValidator"/>.</summary>
public sealed class EdgeTokenOptions
{
    /// <summary>The role claim an edge-device token carries: <c>edge_uploader</c>.</summary>
    public const string EdgeUploaderRole = "edge_uploader";

    /// <summary>The largest clock skew the contract allows: 60 seconds.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(60);

    /// <summary>The shared secret; its UTF-8 bytes are the HS256 key.</summary>
    /// <value>Required. Issuing needs at least 32 UTF-8 bytes (RFC 7518 §3.2); validation accepts any non-empty secret.</value>
    public string Secret { get; set; } = "";

    /// <summary>The clock skew allowed when checking <c>exp</c>, <c>nbf</c> and <c>iat</c>.</summary>
    /// <value>30 seconds; at most 60 seconds, not negative.</value>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The lifetime of issued tokens when the caller names none.</summary>
    /// <value>30 days.</value>
    public TimeSpan DefaultLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The longest lifetime (<c>exp − iat</c>, or <c>exp − now</c> without <c>iat</c>) a token may have.</summary>
    /// <value><see langword="null"/>: no maximum.</value>
    public TimeSpan? MaxLifetime { get; set; }

    /// <summary>The audience: written into issued tokens and, when set, required on validation.</summary>
    /// <value><see langword="null"/>: tokens carry no <c>aud</c> and any <c>aud</c> is accepted.</value>
    public string? Audience { get; set; }

    /// <summary>The exact <c>role</c> claim required and issued.</summary>
    /// <value><see cref="EdgeUploaderRole"/>, as the edge-device token contract fixes it.</value>
    public string Role { get; set; } = EdgeUploaderRole;

    internal void Validate()
    {
        if (string.IsNullOrEmpty(Secret))
        {
            throw new ArgumentException("EdgeTokenOptions.Secret is empty.", "options");
        }

        if (ClockSkew < TimeSpan.Zero || ClockSkew > MaxClockSkew)
        {
            throw new ArgumentException($"EdgeTokenOptions.ClockSkew is {ClockSkew}; it must be between 0 and {MaxClockSkew}.", "options");
        }

        if (DefaultLifetime <= TimeSpan.Zero)
        {
            throw new ArgumentException($"EdgeTokenOptions.DefaultLifetime is {DefaultLifetime}; it must be positive.", "options");
        }

        if (MaxLifetime is { } max && max <= TimeSpan.Zero)
        {
            throw new ArgumentException($"EdgeTokenOptions.MaxLifetime is {max}; it must be positive when set.", "options");
        }

        if (string.IsNullOrEmpty(Role))
        {
            throw new ArgumentException("EdgeTokenOptions.Role is empty.", "options");
        }
    }
}
