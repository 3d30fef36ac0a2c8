using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Lakehouse.Ingest;

/// <summary>The three headers of a Standard Webhooks delivery.</summary>
/// <param name="Id">The <c>webhook-id</c> value.</param>
/// <param name="Timestamp">The <c>webhook-timestamp</c> value (Unix seconds).</param>
/// <param name="Signature">The <c>webhook-signature</c> value (<c>v1,&lt;base64&gt;</c>).</param>
public readonly record struct StandardWebhookHeaders(string Id, string Timestamp, string Signature);

/// <summary>
/// Signs outgoing notifications per the Standard Webhooks specification (see <see cref="StandardWebhookVerifier"/>)
/// and generates secrets for subscribers.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class StandardWebhookSigner
{
    private readonly byte[] _key;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a signer.</summary>
    /// <param name="secret"><c>whsec_&lt;base64&gt;</c> (prefix optional) decoding to 24–64 bytes.</param>
    /// <param name="timeProvider">The clock for the timestamp; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">The secret is not base64 of 24–64 bytes.</exception>
    public StandardWebhookSigner(string secret, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(secret);
        _key = StandardWebhookSecret.Decode(secret, nameof(secret));
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Generates a new secret: <c>whsec_</c> + base64 of 32 random bytes.</summary>
    /// <returns>The secret, to share with the subscriber once.</returns>
    public static string GenerateSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Generates a message id: <c>msg_</c> + 32 random lower-case hex digits.</summary>
    /// <returns>A new id, unique with overwhelming probability.</returns>
    public static string NewMessageId() => "msg_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Signs a delivery.</summary>
    /// <param name="body">The raw body bytes, exactly as they will be sent.</param>
    /// <param name="id">The message id (keep it across retries of the same message); <see langword="null"/> for a new one.</param>
    /// <param name="timestamp">Unix seconds; <see langword="null"/> for now.</param>
    /// <returns>The header values to send.</returns>
    public StandardWebhookHeaders Sign(ReadOnlySpan<byte> body, string? id = null, long? timestamp = null)
    {
        id ??= NewMessageId();
        if (id.Length == 0 || WebhookHeaders.Trim(id).Length != id.Length)
        {
            throw new ArgumentException("a webhook id must be non-empty and carry no surrounding space, tab, CR or LF.", nameof(id));
        }

        long seconds = timestamp ?? _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        ArgumentOutOfRangeException.ThrowIfNegative(seconds, nameof(timestamp));
        string ts = seconds.ToString(CultureInfo.InvariantCulture);
        byte[] prefix = Encoding.UTF8.GetBytes(id + "." + ts + ".");
        byte[] content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        string signature = "v1," + Convert.ToBase64String(HMACSHA256.HashData(_key, content));
        return new StandardWebhookHeaders(id, ts, signature);
    }
}

/// <summary>Standard Webhooks secret decoding.</summary>
internal static class StandardWebhookSecret
{
    internal const string Prefix = "whsec_";
    internal const int MinKeyBytes = 24;
    internal const int MaxKeyBytes = 64;

    internal static byte[] Decode(string secret, string name)
    {
        ReadOnlySpan<char> base64 = secret.AsSpan().Trim();
        if (base64.StartsWith(Prefix, StringComparison.Ordinal))
        {
            base64 = base64[Prefix.Length..];
        }

        Span<byte> buffer = stackalloc byte[MaxKeyBytes + 3];
        if (base64.Length > 4 * ((MaxKeyBytes + 2) / 3) || !Convert.TryFromBase64Chars(base64, buffer, out int written))
        {
            throw new ArgumentException($"{name} is not base64 (optionally after 'whsec_') of {MinKeyBytes}–{MaxKeyBytes} bytes.", name);
        }

        if (written is < MinKeyBytes or > MaxKeyBytes)
        {
            throw new ArgumentException($"{name} decodes to {written} bytes; a Standard Webhooks key has {MinKeyBytes}–{MaxKeyBytes}.", name);
        }

        return buffer[..written].ToArray();
    }
}
