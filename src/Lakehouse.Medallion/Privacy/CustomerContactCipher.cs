using System.Security.Cryptography;
using System.Text;

namespace Lakehouse.Medallion;

/// <summary>
/// AES-256-GCM for the contact fields of <c>dim_customer</c>, in the SDK so the key never reaches the database.
/// Ciphertext layout: <c>version (1 byte) | nonce (12) | tag (16) | ciphertext</c>; the associated data binds it to
/// its tenant and field (<c>mobile</c>, <c>email</c>, <c>name</c>), so a value cannot be moved to another tenant or
/// column unnoticed. The highest configured key version encrypts; any configured version decrypts.
/// </summary>
public sealed class CustomerContactCipher
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int Header = 1 + NonceSize + TagSize;
    private readonly Dictionary<int, byte[]> _keys;
    private readonly int _current;

    /// <summary>A cipher over <paramref name="keys"/>.</summary>
    /// <param name="keys">At least one key; versions 1–255, distinct, 32-byte secrets.</param>
    /// <exception cref="ArgumentException">No key, a bad version or a secret that is not 32 bytes.</exception>
    public CustomerContactCipher(IEnumerable<ContactKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = [];
        foreach (ContactKey key in keys)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(keys));
            if (key.Version is < 1 or > 255 || key.Secret is not { Length: 32 } || !_keys.TryAdd(key.Version, [.. key.Secret]))
            {
                throw new ArgumentException($"Contact key version {key.Version}: versions are distinct, 1-255, with 32-byte secrets.", nameof(keys));
            }
        }

        if (_keys.Count == 0)
        {
            throw new ArgumentException("At least one contact key is needed.", nameof(keys));
        }

        _current = _keys.Keys.Max();
    }

    /// <summary>The version new ciphertexts are made with.</summary>
    public int CurrentVersion => _current;

    /// <summary>Encrypts <paramref name="plaintext"/> for <paramref name="tenantId"/>'s <paramref name="field"/>.</summary>
    /// <param name="plaintext">The value (UTF-8 encoded).</param>
    /// <param name="tenantId">The tenant (associated data).</param>
    /// <param name="field">The field: <c>mobile</c>, <c>email</c> or <c>name</c> (associated data).</param>
    /// <returns><c>version | nonce | tag | ciphertext</c>.</returns>
    public byte[] Encrypt(string plaintext, string tenantId, string field)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        byte[] data = Encoding.UTF8.GetBytes(plaintext);
        byte[] output = new byte[Header + data.Length];
        output[0] = (byte)_current;
        Span<byte> nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys[_current], TagSize);
        aes.Encrypt(nonce, data, output.AsSpan(Header), output.AsSpan(1 + NonceSize, TagSize), Associated(tenantId, field));
        CryptographicOperations.ZeroMemory(data);
        return output;
    }

    /// <summary>Decrypts what <see cref="Encrypt"/> made.</summary>
    /// <param name="ciphertext"><c>version | nonce | tag | ciphertext</c>.</param>
    /// <param name="tenantId">The tenant it was made for.</param>
    /// <param name="field">The field it was made for.</param>
    /// <returns>The value.</returns>
    /// <exception cref="CryptographicException">Unknown key version, tampered, or made for another tenant or field.</exception>
    public string Decrypt(byte[] ciphertext, string tenantId, string field)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        if (ciphertext.Length < Header || !_keys.TryGetValue(ciphertext[0], out byte[]? key))
        {
            throw new CryptographicException("Contact ciphertext is too short or made with a key version not configured.");
        }

        byte[] plain = new byte[ciphertext.Length - Header];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(ciphertext.AsSpan(1, NonceSize), ciphertext.AsSpan(Header), ciphertext.AsSpan(1 + NonceSize, TagSize), plain, Associated(tenantId, field));
        string text = Encoding.UTF8.GetString(plain);
        CryptographicOperations.ZeroMemory(plain);
        return text;
    }

    private static byte[] Associated(string tenantId, string field)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(field);
        return Encoding.UTF8.GetBytes("lakehouse/contact/v1|" + tenantId + "|" + field);
    }
}
