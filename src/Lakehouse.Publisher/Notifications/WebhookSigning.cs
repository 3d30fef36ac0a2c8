using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Lakehouse.Publisher.Notifications;

/// <summary>
/// The signing half of Standard Webhooks: <c>v1,</c> + base64 HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c>, keyed with
/// the base64-decoded secret (after an optional <c>whsec_</c> prefix). Kept internal: the verifier lives with the receivers.
/// </summary>
internal static class WebhookSigning
{
    public const string SecretPrefix = "whsec_";

    /// <summary>Decodes a secret; null when it is not base64 or its key is outside 24–64 bytes.</summary>
    public static byte[]? DecodeSecret(string secret)
    {
        string encoded = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        byte[] key = new byte[(encoded.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(encoded, key, out int written) && written is >= 24 and <= 64 ? key[..written] : null;
    }

    /// <summary>A new random secret, <c>whsec_</c> + base64 of 32 bytes.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Sign(byte[] key, string id, long timestamp, byte[] body)
    {
        byte[] prefix = Encoding.UTF8.GetBytes(id + "." + timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        byte[] content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content, prefix.Length);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, content, mac);
        return "v1," + Convert.ToBase64String(mac);
    }
}
