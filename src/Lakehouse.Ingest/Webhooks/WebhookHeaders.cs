using System.Buffers;

namespace Lakehouse.Ingest;

/// <summary>Header parsing and window checks shared by both webhook schemes.</summary>
internal static class WebhookHeaders
{
    /// <summary>Above this, the signed content goes in a pooled array instead of on the stack.</summary>
    internal const int StackContentLimit = 512;

    /// <summary>
    /// Parses a trimmed timestamp in the canonical form <c>^(0|[1-9][0-9]*)$</c>. A canonical value too large for
    /// <see cref="long"/> saturates to <see cref="long.MaxValue"/>, which the window check reports as future:
    /// it is well formed, just absurdly far ahead.
    /// </summary>
    internal static bool TryParseTimestamp(ReadOnlySpan<char> value, out long seconds)
    {
        seconds = 0;
        if (value.IsEmpty || (value[0] == '0' && value.Length > 1))
        {
            return false;
        }

        long result = 0;
        foreach (char c in value)
        {
            uint digit = (uint)(c - '0');
            if (digit > 9)
            {
                return false;
            }

            result = result > (long.MaxValue - 9) / 10 ? long.MaxValue : (result * 10) + digit;
        }

        seconds = result;
        return true;
    }

    /// <summary>Stale, future or accepted (inclusive bounds), written so that no arithmetic overflows.</summary>
    internal static WebhookVerdict CheckWindow(long timestamp, long now, long toleranceSeconds)
    {
        if (timestamp < now && now - timestamp > toleranceSeconds)
        {
            return WebhookVerdict.Stale;
        }

        if (timestamp > now && timestamp - now > toleranceSeconds)
        {
            return WebhookVerdict.Future;
        }

        return WebhookVerdict.Accepted;
    }

    /// <summary>
    /// Usable signature entries decoded once, up front, into a stack buffer; a header with more falls back to
    /// decoding each entry again per secret, so no entry is ever ignored.
    /// </summary>
    internal const int MaxDecodedEntries = 8;

    internal const int DigestSize = 32;

    /// <summary>Whether <paramref name="digest"/> equals one of the first <paramref name="count"/> decoded entries (constant time per entry).</summary>
    internal static bool MatchesDecoded(ReadOnlySpan<byte> decoded, int count, ReadOnlySpan<byte> digest)
    {
        bool matched = false;
        for (int i = 0; i < count; i++)
        {
            matched |= System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(decoded.Slice(i * DigestSize, DigestSize), digest);
        }

        return matched;
    }

    /// <summary>
    /// Header white space: space, tab, CR and LF — HTTP's optional white space (RFC 9110 §5.6.3) plus the line
    /// breaks DESIGN.md counts as white space elsewhere. Other Unicode white space (NBSP, U+2028...) is not
    /// trimmed and does not separate signature entries.
    /// </summary>
    internal const string WhiteSpaceChars = " \t\r\n";

    private static readonly SearchValues<char> WhiteSpace = SearchValues.Create(WhiteSpaceChars);

    private static readonly SearchValues<char> WhiteSpaceOrComma = SearchValues.Create(WhiteSpaceChars + ",");

    /// <summary>A header value without surrounding header white space (<see cref="WhiteSpaceChars"/>).</summary>
    internal static ReadOnlySpan<char> Trim(string value) => value.AsSpan().Trim(WhiteSpaceChars);

    /// <summary>Moves to the next entry separated by white space (and commas when <paramref name="commaSeparates"/>); false at the end.</summary>
    internal static bool NextEntry(ref ReadOnlySpan<char> rest, out ReadOnlySpan<char> entry, bool commaSeparates)
    {
        SearchValues<char> separators = commaSeparates ? WhiteSpaceOrComma : WhiteSpace;
        int start = rest.IndexOfAnyExcept(separators);
        if (start < 0)
        {
            entry = [];
            rest = [];
            return false;
        }

        rest = rest[start..];
        int end = rest.IndexOfAny(separators);
        if (end < 0)
        {
            end = rest.Length;
        }

        entry = rest[..end];
        rest = rest[end..];
        return true;
    }

    /// <summary>Writes ASCII digits (already validated) as bytes.</summary>
    internal static int WriteAscii(ReadOnlySpan<char> digits, Span<byte> destination)
    {
        for (int i = 0; i < digits.Length; i++)
        {
            destination[i] = (byte)digits[i];
        }

        return digits.Length;
    }

    internal static Span<byte> Rent(int length, Span<byte> stack, out byte[]? rented)
    {
        if (length <= stack.Length)
        {
            rented = null;
            return stack[..length];
        }

        rented = ArrayPool<byte>.Shared.Rent(length);
        return rented.AsSpan(0, length);
    }

    internal static void Return(byte[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
