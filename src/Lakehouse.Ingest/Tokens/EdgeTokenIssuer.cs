using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Lakehouse.Ingest;

/// <summary>
/// Issues edge-device tokens: HS256 JWTs (Microsoft.IdentityModel.JsonWebTokens) carrying <c>sub</c> (the device
/// name), <c>role</c> (<c>edge_uploader</c>), <c>iat</c>, <c>exp</c> and, when configured, <c>aud</c>.
/// </summary>
/// <remarks>
/// Issuing requires a secret of at least 32 UTF-8 bytes, the HS256 key size RFC 7518 §3.2 demands (the library
/// refuses shorter keys too); <see cref="EdgeTokenValidator"/> still validates tokens signed with shorter secrets.
/// Thread-safe.
/// </remarks>
public sealed class EdgeTokenIssuer
{
    /// <summary>The shortest secret, in UTF-8 bytes, that tokens are issued with.</summary>
    public const int MinSecretBytes = 32;

    private readonly EdgeTokenOptions _options;
    private readonly SigningCredentials _credentials;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates an issuer.</summary>
    /// <param name="options">The secret, default lifetime, audience and role; read once, here.</param>
    /// <param name="timeProvider">The clock for <c>iat</c> and <c>exp</c>; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid or the secret is shorter than <see cref="MinSecretBytes"/> UTF-8 bytes.</exception>
    public EdgeTokenIssuer(EdgeTokenOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        byte[] key = Encoding.UTF8.GetBytes(options.Secret);
        if (key.Length < MinSecretBytes)
        {
            throw new ArgumentException(
                $"EdgeTokenOptions.Secret has {key.Length} UTF-8 bytes; issuing HS256 tokens needs at least {MinSecretBytes}.", nameof(options));
        }

        _options = new EdgeTokenOptions
        {
            Secret = options.Secret,
            ClockSkew = options.ClockSkew,
            DefaultLifetime = options.DefaultLifetime,
            MaxLifetime = options.MaxLifetime,
            Audience = options.Audience,
            Role = options.Role,
        };
        _credentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256);
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Issues a token for one device.</summary>
    /// <param name="deviceName">The device name (<c>sub</c>); not blank.</param>
    /// <param name="lifetime">How long the token is valid; <see langword="null"/> for <see cref="EdgeTokenOptions.DefaultLifetime"/>.</param>
    /// <returns>The compact JWT.</returns>
    /// <exception cref="ArgumentException">The device name is blank, or the lifetime is not positive or exceeds <see cref="EdgeTokenOptions.MaxLifetime"/>.</exception>
    public string Issue(string deviceName, TimeSpan? lifetime = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceName);
        TimeSpan life = lifetime ?? _options.DefaultLifetime;
        if (life <= TimeSpan.Zero || (_options.MaxLifetime is { } max && life > max))
        {
            throw new ArgumentException($"a token lifetime of {life} is not positive or exceeds EdgeTokenOptions.MaxLifetime.", nameof(lifetime));
        }

        // Whole seconds, so that exp - iat is exactly the lifetime.
        DateTimeOffset now = DateTimeOffset.FromUnixTimeSeconds(_timeProvider.GetUtcNow().ToUnixTimeSeconds());
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [JwtRegisteredClaimNames.Sub] = deviceName,
                ["role"] = _options.Role,
            },
            IssuedAt = now.UtcDateTime,
            Expires = (now + life).UtcDateTime,
            Audience = _options.Audience,
            SigningCredentials = _credentials,
        };
        return _handler.CreateToken(descriptor);
    }
}
