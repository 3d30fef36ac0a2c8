using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Lakehouse.Ingest;

/// <summary>
/// The event hash, the family's dedup key: SHA-256 over the UTF-8 bytes of PostgreSQL 15's <c>jsonb</c> text
/// form of a JSON value, so that <c>EventHasher</c> and <c>sha256(convert_to(x::jsonb::text, 'UTF8'))</c> in the
/// database always agree. The same event with other key order, spacing, escapes or number spelling hashes alike.
/// </summary>
/// <remarks>
/// Input is validated as PostgreSQL's <c>jsonb</c> input does (strict UTF-8, JSON white space only, no
/// <c>\u0000</c>, no lone surrogates, no raw control characters, numbers within <c>numeric</c>'s range); a
/// UTF-8 byte order mark at the very start is skipped. The calls are thread-safe and, once warmed up, allocate
/// nothing on success.
/// </remarks>
public static class EventHasher
{
    /// <summary>The size of an event hash: 32 bytes (SHA-256).</summary>
    public const int HashSizeInBytes = 32;

    /// <summary>
    /// Validates <paramref name="utf8Json"/> as PostgreSQL 15 accepts a <c>jsonb</c> value and writes the SHA-256
    /// of its <c>jsonb::text</c> form into <paramref name="destination"/>.
    /// </summary>
    /// <param name="utf8Json">One JSON value (any kind, not only an object) as UTF-8.</param>
    /// <param name="destination">At least <see cref="HashSizeInBytes"/> bytes; the hash goes into the first 32.</param>
    /// <param name="error">On failure, the reason with its byte offset, e.g. <c>invalid escape \u0000 at byte 17</c>.</param>
    /// <returns><see langword="true"/> when the input is valid and the hash was written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public static bool TryComputeHash(ReadOnlySpan<byte> utf8Json, Span<byte> destination, out string? error)
    {
        if (destination.Length < HashSizeInBytes)
        {
            ThrowDestinationTooShort();
        }

        JsonbCanonicalizer canonicalizer = JsonbCanonicalizer.Instance;
        JsonbError failure = canonicalizer.Canonicalize(utf8Json);
        if (failure.Kind != JsonbErrorKind.None)
        {
            canonicalizer.Trim();
            error = failure.ToString();
            return false;
        }

        SHA256.HashData(canonicalizer.Output, destination);
        canonicalizer.Trim();
        error = null;
        return true;
    }

    /// <summary>
    /// Validates <paramref name="utf8Json"/> like <see cref="TryComputeHash"/> and writes its <c>jsonb::text</c>
    /// form (the bytes that are hashed) to <paramref name="destination"/>.
    /// </summary>
    /// <param name="utf8Json">One JSON value as UTF-8.</param>
    /// <param name="destination">Receives the canonical text; nothing is written on failure.</param>
    /// <param name="error">On failure, the reason with its byte offset.</param>
    /// <returns><see langword="true"/> when the input is valid and the text was written.</returns>
    public static bool TryWriteCanonical(ReadOnlySpan<byte> utf8Json, IBufferWriter<byte> destination, out string? error)
    {
        ArgumentNullException.ThrowIfNull(destination);
        JsonbCanonicalizer canonicalizer = JsonbCanonicalizer.Instance;
        JsonbError failure = canonicalizer.Canonicalize(utf8Json);
        if (failure.Kind != JsonbErrorKind.None)
        {
            canonicalizer.Trim();
            error = failure.ToString();
            return false;
        }

        ReadOnlySpan<byte> output = canonicalizer.Output;
        output.CopyTo(destination.GetSpan(output.Length));
        destination.Advance(output.Length);
        canonicalizer.Trim();
        error = null;
        return true;
    }

    /// <summary>The event hash of <paramref name="utf8Json"/> as 64 lowercase hex digits.</summary>
    /// <param name="utf8Json">One JSON value as UTF-8.</param>
    /// <returns>The lowercase hex of the hash.</returns>
    /// <exception cref="FormatException">The input is not a value PostgreSQL accepts as <c>jsonb</c>; the message says why and where.</exception>
    public static string ComputeHashHex(ReadOnlySpan<byte> utf8Json)
    {
        Span<byte> hash = stackalloc byte[HashSizeInBytes];
        if (!TryComputeHash(utf8Json, hash, out string? error))
        {
            ThrowFormat(error!);
        }

        return Convert.ToHexStringLower(hash);
    }

    [DoesNotReturn]
    private static void ThrowDestinationTooShort() =>
        throw new ArgumentException($"The destination must hold at least {HashSizeInBytes} bytes.", "destination");

    [DoesNotReturn]
    private static void ThrowFormat(string reason) => throw new FormatException(reason);
}
