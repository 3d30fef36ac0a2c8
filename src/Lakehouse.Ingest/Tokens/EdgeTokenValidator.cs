using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Lakehouse.Ingest;

/// <summary>
/// Validates edge-device tokens exactly by the contract: HS256 only, no <c>crit</c>, <c>exp</c> required and a
/// number, <c>exp</c>/<c>nbf</c>/<c>iat</c> within the clock skew, <c>role</c> exactly <c>edge_uploader</c>,
/// <c>sub</c> a non-blank device name, <c>aud</c> only when configured.
/// </summary>
/// <remarks>
/// <para>
/// Every rule is checked here on the strictly decoded header and payload (System.Text.Json), and the signature is
/// an HMAC-SHA256 compared in constant time. Microsoft.IdentityModel.JsonWebTokens issues the tokens, but neither its
/// validation nor its <c>JsonWebToken</c> reader is used here: the validation is lenient where the contract is strict
/// (a 5-minute default skew, <c>exp</c> as a string, <c>alg</c> resolution) and refuses HMAC keys under 256 bits,
/// and the reader refuses valid NumericDates of 2^63 seconds and more, which the contract ("exp, a number, no
/// maximum unless configured") accepts.
/// </para>
/// <para>
/// <c>exp</c> is exclusive as RFC 7519 has it: a token is expired from <c>exp + skew</c> on; it is not yet valid
/// before <c>nbf − skew</c>; it is issued in the future when <c>iat &gt; now + skew</c>. Duplicate members in the
/// header or payload make a token malformed. Thread-safe.
/// </para>
/// </remarks>
public sealed class EdgeTokenValidator
{
    private const int MaxTokenLength = 16 * 1024;
    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    private const int SignatureLength = 32;
    private readonly byte[] _key;
    private readonly double _skewSeconds;
    private readonly double? _maxLifetimeSeconds;
    private readonly string? _audience;
    private readonly string _role;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a validator.</summary>
    /// <param name="options">The secret, clock skew, maximum lifetime, audience and role; read once, here.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid (empty secret, skew outside 0–60 s...).</exception>
    public EdgeTokenValidator(EdgeTokenOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _key = Encoding.UTF8.GetBytes(options.Secret);
        _skewSeconds = options.ClockSkew.TotalSeconds;
        _maxLifetimeSeconds = options.MaxLifetime?.TotalSeconds;
        _audience = options.Audience;
        _role = options.Role;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Validates a token.</summary>
    /// <param name="token">The compact JWT (without a <c>Bearer </c> prefix).</param>
    /// <returns>The device name when valid, else the first rule it breaks.</returns>
    public EdgeTokenValidation Validate(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return EdgeTokenValidation.Refused(EdgeTokenRefusal.Malformed);
        }

        int firstDot = token.IndexOf('.', StringComparison.Ordinal);
        int secondDot = firstDot < 0 ? -1 : token.IndexOf('.', firstDot + 1);
        if (firstDot <= 0 || secondDot <= firstDot + 1 || token.IndexOf('.', secondDot + 1) >= 0)
        {
            return EdgeTokenValidation.Refused(EdgeTokenRefusal.Malformed);
        }

        byte[]? headerJson = DecodeBase64Url(token.AsSpan(0, firstDot));
        byte[]? payloadJson = DecodeBase64Url(token.AsSpan(firstDot + 1, secondDot - firstDot - 1));
        if (headerJson is null || payloadJson is null)
        {
            return EdgeTokenValidation.Refused(EdgeTokenRefusal.Malformed);
        }

        try
        {
            using JsonDocument header = JsonDocument.Parse(headerJson);
            using JsonDocument payload = JsonDocument.Parse(payloadJson);
            if (!IsWellFormedObject(header.RootElement) || !IsWellFormedObject(payload.RootElement) || !HasStringHeaderMembers(header.RootElement))
            {
                return EdgeTokenValidation.Refused(EdgeTokenRefusal.Malformed);
            }

            EdgeTokenRefusal refusal = CheckHeader(header.RootElement);
            if (refusal == EdgeTokenRefusal.None)
            {
                refusal = CheckSignature(token, firstDot, secondDot);
            }

            if (refusal == EdgeTokenRefusal.None)
            {
                return CheckClaims(payload.RootElement);
            }

            return EdgeTokenValidation.Refused(refusal);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return EdgeTokenValidation.Refused(EdgeTokenRefusal.Malformed);
        }
    }

    private static EdgeTokenRefusal CheckHeader(JsonElement header)
    {
        if (!header.TryGetProperty("alg", out JsonElement alg) || alg.ValueKind != JsonValueKind.String || !alg.ValueEquals("HS256"))
        {
            return EdgeTokenRefusal.BadAlgorithm;
        }

        return header.TryGetProperty("crit", out _) ? EdgeTokenRefusal.CriticalHeader : EdgeTokenRefusal.None;
    }

    private EdgeTokenRefusal CheckSignature(string token, int firstDot, int secondDot)
    {
        ReadOnlySpan<char> encoded = token.AsSpan(secondDot + 1);
        Span<byte> signature = stackalloc byte[SignatureLength + 2];
        // 32 bytes are exactly 43 unpadded base64url characters; the re-encoding check refuses non-canonical trailing bits.
        // The OperationStatus overload reports bad input instead of throwing (the span overload throws FormatException,
        // for example on non-zero unused bits in the last character).
        if (encoded.Length != 43 || encoded.ContainsAnyExcept(Base64UrlAlphabet)
            || Base64Url.DecodeFromChars(encoded, signature, out _, out int decoded) != OperationStatus.Done || decoded != SignatureLength)
        {
            return EdgeTokenRefusal.Malformed;
        }

        Span<char> canonical = stackalloc char[43];
        if (Base64Url.EncodeToChars(signature[..SignatureLength], canonical) != 43 || !canonical.SequenceEqual(encoded))
        {
            return EdgeTokenRefusal.Malformed;
        }

        ReadOnlySpan<char> signingInput = token.AsSpan(0, secondDot);
        byte[] input = new byte[signingInput.Length];
        Encoding.ASCII.GetBytes(signingInput, input);
        Span<byte> expected = stackalloc byte[SignatureLength];
        HMACSHA256.HashData(_key, input, expected);
        return CryptographicOperations.FixedTimeEquals(expected, signature[..SignatureLength])
            ? EdgeTokenRefusal.None
            : EdgeTokenRefusal.BadSignature;
    }

    private EdgeTokenValidation CheckClaims(JsonElement payload)
    {
        double now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        if (!payload.TryGetProperty("exp", out JsonElement expElement))
        {
            return EdgeTokenValidation.Refused(EdgeTokenRefusal.MissingExpiry);
        }

        if (!TryGetNumericDate(expElement, out double exp)
            || !TryGetOptionalNumericDate(payload, "nbf", out double? nbf)
            || !TryGetOptionalNumericDate(payload, "iat", out double? iat))
        {
            return EdgeTokenValidation.Refused(EdgeTokenRefusal.Malformed);
        }

        if (now >= exp + _skewSeconds)
        {
            return EdgeTokenValidation.Refused(EdgeTokenRefusal.Expired);
        }

        if (nbf is { } notBefore && now < notBefore - _skewSeconds)
        {
            return EdgeTokenValidation.Refused(EdgeTokenRefusal.NotYetValid);
        }

        if (iat is { } issuedAt && issuedAt > now + _skewSeconds)
        {
            return EdgeTokenValidation.Refused(EdgeTokenRefusal.IssuedInFuture);
        }

        if (_maxLifetimeSeconds is { } max && exp - (iat ?? now) > max)
        {
            return EdgeTokenValidation.Refused(EdgeTokenRefusal.LifetimeTooLong);
        }

        if (!payload.TryGetProperty("role", out JsonElement role) || role.ValueKind != JsonValueKind.String || !role.ValueEquals(_role))
        {
            return EdgeTokenValidation.Refused(EdgeTokenRefusal.WrongRole);
        }

        string? subject = payload.TryGetProperty("sub", out JsonElement sub) && sub.ValueKind == JsonValueKind.String ? sub.GetString() : null;
        if (string.IsNullOrWhiteSpace(subject))
        {
            return EdgeTokenValidation.Refused(EdgeTokenRefusal.MissingSubject);
        }

        if (_audience is not null && !HasAudience(payload, _audience))
        {
            return EdgeTokenValidation.Refused(EdgeTokenRefusal.WrongAudience);
        }

        DateTimeOffset? expiresAt = exp < 253402300800 ? DateTimeOffset.FromUnixTimeMilliseconds((long)(exp * 1000)) : DateTimeOffset.MaxValue;
        return new EdgeTokenValidation(EdgeTokenRefusal.None, subject, expiresAt);
    }

    private static bool HasAudience(JsonElement payload, string audience)
    {
        if (!payload.TryGetProperty("aud", out JsonElement aud))
        {
            return false;
        }

        if (aud.ValueKind == JsonValueKind.String)
        {
            return aud.ValueEquals(audience);
        }

        if (aud.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in aud.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String && item.ValueEquals(audience))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool TryGetOptionalNumericDate(JsonElement payload, string name, out double? value)
    {
        value = null;
        if (!payload.TryGetProperty(name, out JsonElement element))
        {
            return true;
        }

        bool ok = TryGetNumericDate(element, out double number);
        value = number;
        return ok;
    }

    private static bool TryGetNumericDate(JsonElement element, out double value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out value) && double.IsFinite(value);
    }

    /// <summary>
    /// A JSON object whose member names are unique (RFC 7519 §4: duplicate claim names are refused) and whose strings,
    /// at any depth, are valid Unicode (a lone surrogate escape such as <c>"\ud800"</c> is not).
    /// </summary>
    private static bool IsWellFormedObject(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (!names.Add(property.Name) || !HasValidStrings(property.Value))
                {
                    return false;
                }
            }
        }
        catch (InvalidOperationException)
        {
            // GetString (and JsonProperty.Name) cannot transcode an escaped lone surrogate.
            return false;
        }

        return true;
    }

    private static bool HasValidStrings(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                _ = element.GetString();
                return true;
            case JsonValueKind.Array:
                foreach (JsonElement item in element.EnumerateArray())
                {
                    if (!HasValidStrings(item))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    _ = property.Name;
                    if (!HasValidStrings(property.Value))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }

    /// <summary>The header members RFC 7515 defines as strings (<c>typ</c>, <c>cty</c>, <c>kid</c>) are strings when present.</summary>
    private static bool HasStringHeaderMembers(JsonElement header)
    {
        foreach (string name in (ReadOnlySpan<string>)["typ", "cty", "kid"])
        {
            if (header.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.String)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Strict unpadded base64url (RFC 7515 §2); <see langword="null"/> when not.</summary>
    private static byte[]? DecodeBase64Url(ReadOnlySpan<char> encoded)
    {
        if (encoded.IsEmpty || encoded.ContainsAnyExcept(Base64UrlAlphabet) || !Base64Url.IsValid(encoded, out int length))
        {
            return null;
        }

        byte[] bytes = new byte[length];
        return Base64Url.DecodeFromChars(encoded, bytes) == length ? bytes : null;
    }
}
