using System.Security.Cryptography;
using System.Text;

namespace Lakehouse.Ingest;

/// <summary>
/// Verifies Odoo deliveries signed with the <c>x-ipai-*</c> scheme: <c>x-ipai-signature</c> is the hex
/// HMAC-SHA256, keyed by the UTF-8 bytes of a secret, of <c>"{x-ipai-timestamp}." + raw body</c>.
/// </summary>
/// <remarks>
/// <para>
/// Rules: header values are trimmed of surrounding white space (space, tab, CR, LF; a header with nothing else is
/// <see cref="WebhookVerdict.MissingHeader"/>); the timestamp must be canonical Unix seconds
/// (<c>^(0|[1-9][0-9]*)$</c>) and within <see cref="WebhookVerificationOptions.Tolerance"/> of now, inclusive; the
/// signature header holds one or more entries separated by commas and/or white space, each an optional
/// lower-case <c>sha256=</c> prefix plus exactly 64 hex digits in either case (other entries are ignored, none
/// usable is <see cref="WebhookVerdict.Malformed"/>); any active secret may match, compared in constant time; a
/// second verified delivery with the same timestamp and body is a <see cref="WebhookVerdict.Replay"/>.
/// A canonical timestamp too large to represent is well formed and far ahead: <see cref="WebhookVerdict.Future"/>.
/// </para>
/// <para>
/// Thread-safe. Verification allocates nothing: the signed content is assembled on the stack (small bodies) or
/// in a pooled array. Replay identities are the HMAC of the delivery under the first secret, so they depend
/// only on timestamp and body for a given configuration.
/// </para>
/// </remarks>
public sealed class IpaiWebhookVerifier
{
    /// <summary>The timestamp header, <c>x-ipai-timestamp</c>.</summary>
    public const string TimestampHeader = "x-ipai-timestamp";

    /// <summary>The signature header, <c>x-ipai-signature</c>.</summary>
    public const string SignatureHeader = "x-ipai-signature";

    private const int DigestSize = 32;
    private const int HexDigestLength = 64;
    private readonly byte[][] _keys;
    private readonly long _toleranceSeconds;
    private readonly TimeSpan _retention;
    private readonly IWebhookReplayCache _replayCache;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a verifier.</summary>
    /// <param name="options">Secrets, tolerance and replay retention; read once, here.</param>
    /// <param name="replayCache">Where accepted identities are kept; <see langword="null"/> for a private <see cref="InMemoryWebhookReplayCache"/>.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid (no secret, an empty secret, a bad tolerance or retention).</exception>
    public IpaiWebhookVerifier(WebhookVerificationOptions options, IWebhookReplayCache? replayCache = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _toleranceSeconds = options.ValidateAndGetToleranceSeconds();
        _keys = new byte[options.Secrets.Count][];
        for (int i = 0; i < _keys.Length; i++)
        {
            _keys[i] = Encoding.UTF8.GetBytes(options.Secrets[i]);
        }

        // One second more than asked: the window is judged in whole seconds while the cache expires by the exact
        // clock, so an identity accepted at the window's start must outlive the whole last second of its window.
        _retention = options.ReplayRetention + TimeSpan.FromSeconds(1);
        _replayCache = replayCache ?? new InMemoryWebhookReplayCache();
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Verifies one delivery.</summary>
    /// <param name="timestampHeader">The <c>x-ipai-timestamp</c> value as received; <see langword="null"/> when absent.</param>
    /// <param name="signatureHeader">The <c>x-ipai-signature</c> value as received; <see langword="null"/> when absent.</param>
    /// <param name="body">The raw request body bytes, exactly as received.</param>
    /// <returns>The verdict; only <see cref="WebhookVerdict.Accepted"/> lets the delivery through.</returns>
    public WebhookVerdict Verify(string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body) =>
        Verify(timestampHeader, signatureHeader, body, recordReplay: true);

    /// <summary>
    /// Verifies one delivery; with <paramref name="recordReplay"/> false the replay check is left to the caller: a
    /// verified delivery is <see cref="WebhookVerdict.Accepted"/> and nothing is recorded, so the caller can first make
    /// the delivery durable and then call <see cref="TryRecordDelivery"/> (a failed write then leaves an identical retry
    /// acceptable instead of refusing it as a replay).
    /// </summary>
    /// <param name="timestampHeader">The <c>x-ipai-timestamp</c> value as received; <see langword="null"/> when absent.</param>
    /// <param name="signatureHeader">The <c>x-ipai-signature</c> value as received; <see langword="null"/> when absent.</param>
    /// <param name="body">The raw request body bytes, exactly as received.</param>
    /// <param name="recordReplay">Whether to check and record the replay identity (as <see cref="Verify(string?, string?, ReadOnlySpan{byte})"/> does).</param>
    /// <returns>The verdict; never <see cref="WebhookVerdict.Replay"/> when <paramref name="recordReplay"/> is false.</returns>
    public WebhookVerdict Verify(string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body, bool recordReplay)
    {
        // A header that is absent, or present with nothing but white space, carries no value: missing.
        ReadOnlySpan<char> timestamp = timestampHeader is null ? [] : WebhookHeaders.Trim(timestampHeader);
        ReadOnlySpan<char> signatures = signatureHeader is null ? [] : WebhookHeaders.Trim(signatureHeader);
        if (timestamp.IsEmpty || signatures.IsEmpty)
        {
            return WebhookVerdict.MissingHeader;
        }

        Span<byte> decoded = stackalloc byte[WebhookHeaders.MaxDecodedEntries * DigestSize];
        int usable = DecodeEntries(signatures, decoded);
        if (!WebhookHeaders.TryParseTimestamp(timestamp, out long seconds) || usable == 0)
        {
            return WebhookVerdict.Malformed;
        }

        DateTimeOffset now = _timeProvider.GetUtcNow();
        WebhookVerdict window = WebhookHeaders.CheckWindow(seconds, now.ToUnixTimeSeconds(), _toleranceSeconds);
        if (window != WebhookVerdict.Accepted)
        {
            return window;
        }

        Span<byte> identity = stackalloc byte[DigestSize];
        bool matched = MatchesContent(timestamp, body, decoded, usable, signatures, identity);

        // "The timestamp is the header value exactly as sent": a sender that signed the value with its surrounding
        // white space (which the rules then trim) is accepted too. The replay identity stays that of the trimmed
        // value, so both spellings are one delivery.
        ReadOnlySpan<char> raw = timestampHeader.AsSpan();
        if (!matched && raw.Length != timestamp.Length)
        {
            matched = MatchesContent(raw, body, decoded, usable, signatures, []);
        }

        if (!matched)
        {
            return WebhookVerdict.Mismatch;
        }

        return !recordReplay || _replayCache.TryRecord(identity, now, _retention) ? WebhookVerdict.Accepted : WebhookVerdict.Replay;
    }

    /// <summary>
    /// Records the replay identity of a delivery already verified with <c>recordReplay: false</c> (the same identity
    /// <see cref="Verify(string?, string?, ReadOnlySpan{byte})"/> records: timestamp and body).
    /// </summary>
    /// <param name="timestampHeader">The <c>x-ipai-timestamp</c> value as received.</param>
    /// <param name="body">The raw request body bytes.</param>
    /// <returns><see langword="true"/> when the delivery is new (now recorded); <see langword="false"/> when it is a replay.</returns>
    /// <exception cref="ArgumentException">The timestamp is not canonical Unix seconds (the delivery was not verified).</exception>
    public bool TryRecordDelivery(string timestampHeader, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(timestampHeader);
        ReadOnlySpan<char> timestamp = WebhookHeaders.Trim(timestampHeader);
        if (!WebhookHeaders.TryParseTimestamp(timestamp, out _))
        {
            throw new ArgumentException("the timestamp is not canonical Unix seconds; verify the delivery first.", nameof(timestampHeader));
        }

        Span<byte> content = WebhookHeaders.Rent(timestamp.Length + 1 + body.Length, stackalloc byte[WebhookHeaders.StackContentLimit], out byte[]? rented);
        try
        {
            WriteSignedContent(timestamp, body, content);
            Span<byte> identity = stackalloc byte[DigestSize];
            HMACSHA256.HashData(_keys[0], content, identity);
            return _replayCache.TryRecord(identity, _timeProvider.GetUtcNow(), _retention);
        }
        finally
        {
            WebhookHeaders.Return(rented);
        }
    }

    /// <summary>Writes the signed content <c>"{timestamp}." + body</c> into <paramref name="content"/> (sized for it).</summary>
    private static void WriteSignedContent(ReadOnlySpan<char> timestamp, ReadOnlySpan<byte> body, Span<byte> content)
    {
        // Only ASCII reaches here: canonical digits, and around them (raw spelling) space, tab, CR or LF.
        int written = WebhookHeaders.WriteAscii(timestamp, content);
        content[written++] = (byte)'.';
        body.CopyTo(content[written..]);
    }

    /// <summary>
    /// Whether any usable entry is the HMAC of <c>"{timestamp}." + body</c> under any active secret (each compared in
    /// constant time); writes the HMAC under the first secret into <paramref name="identity"/> unless it is empty.
    /// </summary>
    private bool MatchesContent(
        ReadOnlySpan<char> timestamp, ReadOnlySpan<byte> body, ReadOnlySpan<byte> decoded, int usable, ReadOnlySpan<char> signatures, Span<byte> identity)
    {
        Span<byte> content = WebhookHeaders.Rent(timestamp.Length + 1 + body.Length, stackalloc byte[WebhookHeaders.StackContentLimit], out byte[]? rented);
        try
        {
            WriteSignedContent(timestamp, body, content);

            Span<byte> digest = stackalloc byte[DigestSize];
            bool matched = false;
            for (int k = 0; k < _keys.Length && !matched; k++)
            {
                HMACSHA256.HashData(_keys[k], content, digest);
                if (k == 0 && !identity.IsEmpty)
                {
                    digest.CopyTo(identity);
                }

                matched = usable <= WebhookHeaders.MaxDecodedEntries
                    ? WebhookHeaders.MatchesDecoded(decoded, usable, digest)
                    : MatchesAnyEntry(signatures, digest);
            }

            return matched;
        }
        finally
        {
            WebhookHeaders.Return(rented);
        }
    }

    /// <summary>The hex digits of an entry, or empty when the entry is not <c>[sha256=]</c> + 64 hex digits.</summary>
    internal static ReadOnlySpan<char> HexOf(ReadOnlySpan<char> entry)
    {
        if (entry.StartsWith("sha256=", StringComparison.Ordinal))
        {
            entry = entry[7..];
        }

        return entry.Length == HexDigestLength && !entry.ContainsAnyExcept(HexDigits) ? entry : [];
    }

    private static readonly System.Buffers.SearchValues<char> HexDigits =
        System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>Counts the usable entries, decoding the first <see cref="WebhookHeaders.MaxDecodedEntries"/> into <paramref name="decoded"/>.</summary>
    private static int DecodeEntries(ReadOnlySpan<char> signatures, Span<byte> decoded)
    {
        int count = 0;
        while (WebhookHeaders.NextEntry(ref signatures, out ReadOnlySpan<char> entry, commaSeparates: true))
        {
            ReadOnlySpan<char> hex = HexOf(entry);
            if (hex.IsEmpty)
            {
                continue;
            }

            if (count < WebhookHeaders.MaxDecodedEntries)
            {
                Convert.FromHexString(hex, decoded.Slice(count * DigestSize, DigestSize), out _, out _);
            }

            count++;
        }

        return count;
    }

    private static bool MatchesAnyEntry(ReadOnlySpan<char> signatures, ReadOnlySpan<byte> digest)
    {
        Span<byte> candidate = stackalloc byte[DigestSize];
        bool matched = false;
        while (WebhookHeaders.NextEntry(ref signatures, out ReadOnlySpan<char> entry, commaSeparates: true))
        {
            ReadOnlySpan<char> hex = HexOf(entry);
            if (!hex.IsEmpty && Convert.FromHexString(hex, candidate, out _, out _) == System.Buffers.OperationStatus.Done)
            {
                matched |= CryptographicOperations.FixedTimeEquals(candidate, digest);
            }
        }

        return matched;
    }
}
