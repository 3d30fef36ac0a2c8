using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;

namespace Lakehouse.Medallion;

/// <summary>
/// A secret key for customer pseudonyms (HMAC-SHA256) with its id, which every pseudonym carries
/// (<c>c:&lt;key id&gt;:…</c>). Bind from configuration (<c>KeyId</c>, and <c>Secret</c> as base64) or parse
/// <c>"&lt;key id&gt;:&lt;base64 secret&gt;"</c> with <see cref="Parse"/>. The key never reaches the database.
/// </summary>
public sealed class CustomerKey
{
    /// <summary>Fewest secret bytes accepted.</summary>
    public const int MinSecretBytes = 32;

    private static readonly System.Buffers.SearchValues<char> KeyIdChars = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    /// <summary>The key id: 1–16 chars of <c>a-z</c>, <c>0-9</c> and <c>-</c>; a new id for every new key.</summary>
    public string KeyId { get; set; } = "";

    /// <summary>The secret: at least <see cref="MinSecretBytes"/> random bytes (base64 in configuration).</summary>
    [SuppressMessage("Performance", "CA1819:Properties should not return arrays", Justification = "Bound from configuration as base64.")]
    public byte[] Secret { get; set; } = [];

    /// <summary>A key from its id and secret.</summary>
    /// <param name="keyId">The key id.</param>
    /// <param name="secret">The secret bytes.</param>
    /// <returns>The key, validated.</returns>
    public static CustomerKey Create(string keyId, byte[] secret)
    {
        var key = new CustomerKey { KeyId = keyId, Secret = secret };
        key.Validate();
        return key;
    }

    /// <summary>Parses <c>"&lt;key id&gt;:&lt;base64 secret&gt;"</c> (the form the tool and environment variables use).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The key, validated.</returns>
    /// <exception cref="FormatException">Not in that form, or the key id or secret is unusable.</exception>
    public static CustomerKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !Base64.IsValid(text.AsSpan(colon + 1)))
        {
            throw new FormatException("A customer key is written '<key id>:<base64 secret>'.");
        }

        var key = new CustomerKey { KeyId = text[..colon], Secret = Convert.FromBase64String(text[(colon + 1)..]) };
        try
        {
            key.Validate();
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException(e.Message, e);
        }

        return key;
    }

    /// <summary>Whether <paramref name="keyId"/> is a usable key id.</summary>
    /// <param name="keyId">The candidate.</param>
    /// <returns>True for 1–16 chars of <c>a-z</c>, <c>0-9</c>, <c>-</c>.</returns>
    public static bool IsValidKeyId(string? keyId) =>
        keyId is { Length: >= 1 and <= 16 } && keyId.AsSpan().IndexOfAnyExcept(KeyIdChars) < 0;

    internal void Validate()
    {
        if (!IsValidKeyId(KeyId))
        {
            throw new InvalidOperationException($"Customer key id '{KeyId}' must be 1-16 chars of a-z, 0-9 and '-'.");
        }

        if (Secret is null || Secret.Length < MinSecretBytes)
        {
            throw new InvalidOperationException($"Customer key '{KeyId}' needs a secret of at least {MinSecretBytes} random bytes.");
        }
    }
}
