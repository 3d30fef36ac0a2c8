using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Lakehouse.Ingest;

/// <summary>Signs deliveries in the <c>x-ipai-*</c> scheme (for tests, tools and senders); see <see cref="IpaiWebhookVerifier"/>.</summary>
public static class IpaiWebhookSigner
{
    /// <summary>Computes the <c>x-ipai-signature</c> value: lower-case hex HMAC-SHA256 of <c>"{timestamp}." + body</c>.</summary>
    /// <param name="secret">The secret; its UTF-8 bytes are the key.</param>
    /// <param name="timestamp">The <c>x-ipai-timestamp</c> value, exactly as it will be sent.</param>
    /// <param name="body">The raw body bytes.</param>
    /// <returns>64 lower-case hex digits.</returns>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(timestamp);
        byte[] key = Encoding.UTF8.GetBytes(secret);
        byte[] prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        byte[] content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, content));
    }

    /// <summary>Computes the signature for a Unix-seconds timestamp written canonically.</summary>
    /// <param name="secret">The secret; its UTF-8 bytes are the key.</param>
    /// <param name="unixSeconds">The timestamp; sent as <c>x-ipai-timestamp</c> in invariant digits.</param>
    /// <param name="body">The raw body bytes.</param>
    /// <returns>64 lower-case hex digits.</returns>
    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> body) =>
        Sign(secret, unixSeconds.ToString(CultureInfo.InvariantCulture), body);
}
