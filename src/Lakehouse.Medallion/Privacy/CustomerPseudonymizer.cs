using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Lakehouse.Medallion;

/// <summary>
/// Turns a customer identifier into a pseudonym: <c>c:&lt;key id&gt;:&lt;52 base32 chars&gt;</c>, the base32 (RFC 4648,
/// lower case, no padding) of HMAC-SHA256 under the tenant's key over the UTF-8 of the normalized identifier (see
/// <see cref="CustomerIdentifierKind"/>). One person typed two ways is one pseudonym; nobody without the key can
/// reverse it or link customers across tenants (each tenant has its own key). Thread-safe; the span overload
/// allocates nothing per identifier once a tenant's key is cached.
/// </summary>
public sealed class CustomerPseudonymizer
{
    /// <summary>Chars of the hash part of a pseudonym.</summary>
    public const int HashChars = 52;

    /// <summary>The longest pseudonym (16-char key id): <c>c:</c> + key id + <c>:</c> + 52.</summary>
    public const int MaxLength = 2 + 16 + 1 + HashChars;

    private const int StackLimit = 256;
    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    private readonly CustomerKey? _master;
    private readonly Dictionary<string, CustomerKey> _tenantKeys;
    private readonly ConcurrentDictionary<string, TenantKey> _cache = new(StringComparer.Ordinal);

    /// <summary>A pseudonymizer for the keys of <paramref name="options"/>.</summary>
    /// <param name="options">Reads <see cref="MedallionOptions.CustomerKey"/> and <see cref="MedallionOptions.TenantCustomerKeys"/>.</param>
    /// <exception cref="InvalidOperationException">No key is configured, or a key is unusable (the message says which and how to fix it).</exception>
    public CustomerPseudonymizer(MedallionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.CustomerKey is null && options.TenantCustomerKeys.Count == 0)
        {
            throw new InvalidOperationException(
                "No customer pseudonymization key is configured. Set MedallionOptions.CustomerKey (configuration " +
                "Lakehouse:Medallion:CustomerKey:KeyId and :Secret, at least 32 random bytes in base64; the tool reads " +
                "--customer-key or LAKEHOUSE_CUSTOMER_KEY as '<key id>:<base64>'). Customer ids are never stored unpseudonymized.");
        }

        options.CustomerKey?.Validate();
        foreach ((string tenant, CustomerKey key) in options.TenantCustomerKeys)
        {
            ArgumentNullException.ThrowIfNull(key, tenant);
            key.Validate();
        }

        _master = options.CustomerKey is { } master ? CustomerKey.Create(master.KeyId, [.. master.Secret]) : null;
        _tenantKeys = options.TenantCustomerKeys.ToDictionary(
            static p => p.Key, static p => CustomerKey.Create(p.Value.KeyId, [.. p.Value.Secret]), StringComparer.Ordinal);
    }

    /// <summary>A pseudonymizer with one master key (per-tenant keys derived from it).</summary>
    /// <param name="key">The master key.</param>
    /// <returns>The pseudonymizer.</returns>
    public static CustomerPseudonymizer Create(CustomerKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new CustomerPseudonymizer(new MedallionOptions { CustomerKey = key });
    }

    /// <summary>The id of the key that pseudonymizes <paramref name="tenantId"/>'s customers.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <returns>The key id.</returns>
    /// <exception cref="InvalidOperationException">No key covers the tenant.</exception>
    public string KeyIdFor(string tenantId) => Key(tenantId).KeyId;

    /// <summary>The length of every pseudonym of <paramref name="tenantId"/>: fixed for a key.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <returns>3 + key id length + <see cref="HashChars"/>.</returns>
    public int PseudonymLength(string tenantId) => Key(tenantId).Prefix.Length + HashChars;

    /// <summary>Pseudonymizes without allocating (after the tenant's first call).</summary>
    /// <param name="tenantId">The tenant whose key to use.</param>
    /// <param name="identifier">The identifier as the POS sent it.</param>
    /// <param name="destination">Receives the pseudonym (<see cref="MaxLength"/> chars is always enough).</param>
    /// <param name="written">Chars written.</param>
    /// <returns>False when the identifier is empty or white space (no customer), or <paramref name="destination"/> is too short.</returns>
    public bool TryPseudonymize(string tenantId, ReadOnlySpan<char> identifier, Span<char> destination, out int written) =>
        TryPseudonymize(tenantId, identifier, destination, out written, out _, default, out _);

    /// <summary>Pseudonymizes <paramref name="identifier"/>.</summary>
    /// <param name="tenantId">The tenant whose key to use.</param>
    /// <param name="identifier">The identifier as the POS sent it.</param>
    /// <returns>The pseudonym, or <see langword="null"/> for a missing or blank identifier.</returns>
    public string? Pseudonymize(string tenantId, string? identifier)
    {
        Span<char> buffer = stackalloc char[MaxLength];
        return identifier is not null && TryPseudonymize(tenantId, identifier, buffer, out int written) ? new string(buffer[..written]) : null;
    }

    /// <summary>The normalized form of an identifier, the text that is hashed (for support and tests; it is personal data).</summary>
    /// <param name="identifier">The identifier as typed.</param>
    /// <param name="kind">What it is.</param>
    /// <returns>E.164 for a phone number, the lower-cased e-mail, else the trimmed, upper-cased text; empty when blank.</returns>
    public static string Normalize(string identifier, out CustomerIdentifierKind kind)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        char[] buffer = new char[CustomerIdentifier.MaxNormalizedLength(identifier.Length)];
        kind = CustomerIdentifier.Normalize(identifier, buffer, out int written);
        return new string(buffer, 0, written);
    }

    // The core: normalizes into a stack buffer, hashes under the tenant's key, writes the pseudonym; optionally copies
    // the normalized text out (the contact value of a phone number or e-mail).
    internal bool TryPseudonymize(
        string tenantId, ReadOnlySpan<char> identifier, Span<char> destination, out int written,
        out CustomerIdentifierKind kind, Span<char> normalizedCopy, out int normalizedWritten)
    {
        written = 0;
        normalizedWritten = 0;
        TenantKey key = Key(tenantId);
        int need = key.Prefix.Length + HashChars;
        int capacity = CustomerIdentifier.MaxNormalizedLength(identifier.Length);
        char[]? rentedChars = null;
        Span<char> normalized = capacity <= StackLimit ? stackalloc char[StackLimit] : (rentedChars = ArrayPool<char>.Shared.Rent(capacity));
        try
        {
            kind = CustomerIdentifier.Normalize(identifier, normalized, out int length);
            if (kind == CustomerIdentifierKind.None || destination.Length < need)
            {
                return false;
            }

            ReadOnlySpan<char> text = normalized[..length];
            if (normalizedCopy.Length >= length)
            {
                text.CopyTo(normalizedCopy);
                normalizedWritten = length;
            }

            int byteCount = Encoding.UTF8.GetMaxByteCount(length);
            byte[]? rentedBytes = null;
            Span<byte> utf8 = byteCount <= StackLimit * 3 ? stackalloc byte[StackLimit * 3] : (rentedBytes = ArrayPool<byte>.Shared.Rent(byteCount));
            try
            {
                int bytes = Encoding.UTF8.GetBytes(text, utf8);
                Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
                HMACSHA256.HashData(key.Secret, utf8[..bytes], hash);
                key.Prefix.AsSpan().CopyTo(destination);
                Base32(hash, destination.Slice(key.Prefix.Length, HashChars));
                written = need;
                return true;
            }
            finally
            {
                if (rentedBytes is not null)
                {
                    ArrayPool<byte>.Shared.Return(rentedBytes, clearArray: true);
                }
            }
        }
        finally
        {
            if (rentedChars is not null)
            {
                ArrayPool<char>.Shared.Return(rentedChars, clearArray: true);
            }
        }
    }

    private static void Base32(ReadOnlySpan<byte> data, Span<char> destination)
    {
        int buffer = 0, bits = 0, o = 0;
        foreach (byte b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                destination[o++] = Base32Alphabet[(buffer >> bits) & 31];
            }
        }

        if (bits > 0)
        {
            destination[o] = Base32Alphabet[(buffer << (5 - bits)) & 31];
        }
    }

    private TenantKey Key(string tenantId)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return _cache.TryGetValue(tenantId, out TenantKey? cached) ? cached : _cache.GetOrAdd(tenantId, Derive(tenantId));
    }

    [SuppressMessage("Performance", "CA1859", Justification = "Clarity.")]
    private TenantKey Derive(string tenantId)
    {
        if (_tenantKeys.TryGetValue(tenantId, out CustomerKey? own))
        {
            return new TenantKey(own.KeyId, own.Secret, "c:" + own.KeyId + ":");
        }

        if (_master is null)
        {
            throw new InvalidOperationException(
                $"No customer pseudonymization key covers tenant '{tenantId}': add it to MedallionOptions.TenantCustomerKeys or set MedallionOptions.CustomerKey.");
        }

        byte[] secret = HKDF.DeriveKey(HashAlgorithmName.SHA256, _master.Secret, 32, salt: [],
            info: Encoding.UTF8.GetBytes("lakehouse/customer-pseudonym/v1/" + tenantId));
        return new TenantKey(_master.KeyId, secret, "c:" + _master.KeyId + ":");
    }

    private sealed record TenantKey(string KeyId, byte[] Secret, string Prefix);
}
