namespace Lakehouse.Ingest;

/// <summary>Why an edge-device token was refused.</summary>
/// <remarks>The validator checks in this order: structure, header, signature, then claims in declaration order.</remarks>
public enum EdgeTokenRefusal
{
    /// <summary>Not refused.</summary>
    None,

    /// <summary>
    /// Not a compact JWS of three canonical, unpadded base64url segments holding strict JSON objects; a duplicate
    /// member name; a string that is not valid Unicode (a lone surrogate escape); <c>exp</c>, <c>nbf</c> or <c>iat</c>
    /// not a JSON number of finite double range; a <c>typ</c>, <c>cty</c> or <c>kid</c> header that is not a string.
    /// </summary>
    Malformed,

    /// <summary>The header's <c>alg</c> is not exactly <c>HS256</c> (<c>none</c>, <c>HS384</c>, <c>RS256</c>, <c>hs256</c>, absent...).</summary>
    BadAlgorithm,

    /// <summary>The header has a <c>crit</c> member; no extension is understood.</summary>
    CriticalHeader,

    /// <summary>The HS256 signature does not match the secret.</summary>
    BadSignature,

    /// <summary>No <c>exp</c> claim.</summary>
    MissingExpiry,

    /// <summary><c>exp</c> is past, beyond the clock skew.</summary>
    Expired,

    /// <summary><c>nbf</c> is ahead, beyond the clock skew.</summary>
    NotYetValid,

    /// <summary><c>iat</c> is further in the future than the clock skew.</summary>
    IssuedInFuture,

    /// <summary>The lifetime exceeds <see cref="EdgeTokenOptions.MaxLifetime"/>.</summary>
    LifetimeTooLong,

    /// <summary><c>role</c> is absent, not a string, or not exactly the configured role.</summary>
    WrongRole,

    /// <summary><c>sub</c> (the device name) is absent, not a string, or blank.</summary>
    MissingSubject,

    /// <summary>An audience is configured and <c>aud</c> neither equals it nor lists it.</summary>
    WrongAudience,
}

/// <summary>The result of validating an edge-device token.</summary>
/// <param name="Refusal">Why it was refused; <see cref="EdgeTokenRefusal.None"/> when valid.</param>
/// <param name="DeviceName">The <c>sub</c> claim when valid; otherwise <see langword="null"/>.</param>
/// <param name="ExpiresAt">The <c>exp</c> claim when valid; otherwise <see langword="null"/>.</param>
public readonly record struct EdgeTokenValidation(EdgeTokenRefusal Refusal, string? DeviceName, DateTimeOffset? ExpiresAt)
{
    /// <summary>Whether the token is valid.</summary>
    public bool IsValid => Refusal == EdgeTokenRefusal.None;

    internal static EdgeTokenValidation Refused(EdgeTokenRefusal refusal) => new(refusal, null, null);
}
