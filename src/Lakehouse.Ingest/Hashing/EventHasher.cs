using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Lakehouse.Ingest;

// PLACEHOLDER (feat/reader only). The real EventHasher, which hashes PostgreSQL's jsonb::text form and applies
// the jsonb input rules, is written on another branch and replaces this file when the branches merge. This
// stand-in keeps the same signatures so the reader and the bronze loader compile: it checks the bytes are JSON
// with System.Text.Json and hashes them as they are (no canonical form, so differently spelled copies of an
// event get different hashes here).

/// <summary>The event hash: SHA-256 over the UTF-8 bytes of PostgreSQL's <c>jsonb</c> text form of an event.</summary>
public static class EventHasher
{
    /// <summary>The size of an event hash in bytes.</summary>
    public const int HashSizeInBytes = 32;

    /// <summary>Validates <paramref name="utf8Json"/> and writes its event hash to <paramref name="destination"/>.</summary>
    /// <param name="utf8Json">One JSON value.</param>
    /// <param name="destination">At least <see cref="HashSizeInBytes"/> bytes.</param>
    /// <param name="error">Why the bytes were refused, with a byte offset; <see langword="null"/> on success.</param>
    /// <returns><see langword="true"/> when the hash was written.</returns>
    public static bool TryComputeHash(ReadOnlySpan<byte> utf8Json, Span<byte> destination, out string? error)
    {
        if (destination.Length < HashSizeInBytes)
        {
            throw new ArgumentException("The destination is shorter than HashSizeInBytes.", nameof(destination));
        }

        if (!IsValidJson(utf8Json, out error))
        {
            return false;
        }

        SHA256.HashData(utf8Json, destination);
        return true;
    }

    /// <summary>Validates <paramref name="utf8Json"/> and writes its canonical form to <paramref name="destination"/>.</summary>
    /// <param name="utf8Json">One JSON value.</param>
    /// <param name="destination">Receives the canonical bytes.</param>
    /// <param name="error">Why the bytes were refused; <see langword="null"/> on success.</param>
    /// <returns><see langword="true"/> when the canonical form was written.</returns>
    public static bool TryWriteCanonical(ReadOnlySpan<byte> utf8Json, IBufferWriter<byte> destination, out string? error)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!IsValidJson(utf8Json, out error))
        {
            return false;
        }

        destination.Write(utf8Json);
        return true;
    }

    /// <summary>The event hash of <paramref name="utf8Json"/> as lower-case hex.</summary>
    /// <param name="utf8Json">One JSON value.</param>
    /// <returns>64 lower-case hex digits.</returns>
    /// <exception cref="FormatException">The bytes are not acceptable JSON.</exception>
    public static string ComputeHashHex(ReadOnlySpan<byte> utf8Json)
    {
        Span<byte> hash = stackalloc byte[HashSizeInBytes];
        if (!TryComputeHash(utf8Json, hash, out string? error))
        {
            throw new FormatException(error);
        }

        return Convert.ToHexStringLower(hash);
    }

    private static bool IsValidJson(ReadOnlySpan<byte> utf8Json, out string? error)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped)
                {
                    // Touch the value so bad escapes (lone surrogates) surface here.
                    _ = reader.ValueSpan;
                }
            }

            error = null;
            return true;
        }
        catch (JsonException e)
        {
            error = "not valid JSON at byte " + e.BytePositionInLine?.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return false;
        }
    }
}
