using System.Diagnostics.CodeAnalysis;

namespace Lakehouse.Medallion;

/// <summary>
/// A versioned AES-256-GCM key for the encrypted contact fields of <c>dim_customer</c>. The highest version
/// encrypts; every configured version decrypts (keep old versions until their ciphertexts are re-encrypted).
/// The key never reaches the database; each ciphertext starts with the version that made it.
/// </summary>
public sealed class ContactKey
{
    /// <summary>The version, 1–255 (the first byte of every ciphertext made with this key).</summary>
    public int Version { get; set; }

    /// <summary>The AES-256 key: exactly 32 random bytes (base64 in configuration).</summary>
    [SuppressMessage("Performance", "CA1819:Properties should not return arrays", Justification = "Bound from configuration as base64.")]
    public byte[] Secret { get; set; } = [];

    /// <summary>A key from its version and secret.</summary>
    /// <param name="version">1–255.</param>
    /// <param name="secret">32 bytes.</param>
    /// <returns>The key.</returns>
    public static ContactKey Create(int version, byte[] secret) => new() { Version = version, Secret = secret };
}
