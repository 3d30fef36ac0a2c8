using System.Security.Cryptography;
using System.Text;

namespace Lakehouse.Ingest;

/// <summary>
/// Verifies deliveries signed per the Standard Webhooks specification: <c>webhook-signature</c> holds
/// space-separated <c>v1,&lt;base64&gt;</c> entries, each a HMAC-SHA256 of <c>"{webhook-id}.{webhook-timestamp}.{body}"</c>.
/// </summary>
/// <remarks>
/// <para>
/// Secrets are <c>whsec_&lt;base64&gt;</c> (the prefix is optional) decoding to 24–64 bytes. Header values are
/// trimmed of space, tab, CR and LF, and a header with nothing else is <see cref="WebhookVerdict.MissingHeader"/>;
/// the timestamp follows the same canonical rule and inclusive window as <see cref="IpaiWebhookVerifier"/>;
/// entries with another version (for example <c>v1a</c>) are skipped, and when no <c>v1</c> entry carries canonical
/// base64 of 32 bytes (44 characters, padded, unused bits zero) the delivery is <see cref="WebhookVerdict.Malformed"/>.
/// The replay identity is the <c>webhook-id</c> (the cache sees it packed or hashed into 32 bytes).
/// </para>
/// <para>Thread-safe; verification allocates nothing.</para>
/// </remarks>
public sealed class StandardWebhookVerifier
{
    /// <summary>The message id header, <c>webhook-id</c>.</summary>
    public const string IdHeader = "webhook-id";

    /// <summary>The timestamp header, <c>webhook-timestamp</c>.</summary>
    public const string TimestampHeader = "webhook-timestamp";

    /// <summary>The signature header, <c>webhook-signature</c>.</summary>
    public const string SignatureHeader = "webhook-signature";

    private const int DigestSize = 32;
    private readonly byte[][] _keys;
    private readonly long _toleranceSeconds;
    private readonly TimeSpan _retention;
    private readonly IWebhookReplayCache _replayCache;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a verifier.</summary>
    /// <param name="options">Secrets (<c>whsec_…</c>), tolerance and replay retention; read once, here.</param>
    /// <param name="replayCache">Where accepted ids are kept; <see langword="null"/> for a private <see cref="InMemoryWebhookReplayCache"/>.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid, or a secret is not base64 of 24–64 bytes.</exception>
    public StandardWebhookVerifier(WebhookVerificationOptions options, IWebhookReplayCache? replayCache = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _toleranceSeconds = options.ValidateAndGetToleranceSeconds();
        _keys = new byte[options.Secrets.Count][];
        for (int i = 0; i < _keys.Length; i++)
        {
            _keys[i] = StandardWebhookSecret.Decode(options.Secrets[i], $"WebhookVerificationOptions.Secrets[{i}]");
        }

        // One second more than asked: the window is judged in whole seconds while the cache expires by the exact
        // clock, so an identity accepted at the window's start must outlive the whole last second of its window.
        _retention = options.ReplayRetention + TimeSpan.FromSeconds(1);
        _replayCache = replayCache ?? new InMemoryWebhookReplayCache();
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Verifies one delivery.</summary>
    /// <param name="idHeader">The <c>webhook-id</c> value; <see langword="null"/> when absent.</param>
    /// <param name="timestampHeader">The <c>webhook-timestamp</c> value; <see langword="null"/> when absent.</param>
    /// <param name="signatureHeader">The <c>webhook-signature</c> value; <see langword="null"/> when absent.</param>
    /// <param name="body">The raw request body bytes, exactly as received.</param>
    /// <returns>The verdict; only <see cref="WebhookVerdict.Accepted"/> lets the delivery through.</returns>
    public WebhookVerdict Verify(string? idHeader, string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body)
    {
        // A header that is absent, or present with nothing but white space, carries no value: missing.
        ReadOnlySpan<char> id = idHeader is null ? [] : WebhookHeaders.Trim(idHeader);
        ReadOnlySpan<char> timestamp = timestampHeader is null ? [] : WebhookHeaders.Trim(timestampHeader);
        ReadOnlySpan<char> signatures = signatureHeader is null ? [] : WebhookHeaders.Trim(signatureHeader);
        if (id.IsEmpty || timestamp.IsEmpty || signatures.IsEmpty)
        {
            return WebhookVerdict.MissingHeader;
        }

        Span<byte> candidate = stackalloc byte[DigestSize];
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

        bool matched = MatchesContent(id, timestamp, body, decoded, usable, signatures, candidate);

        // The id and timestamp "as sent": a sender that signed the values with their surrounding white space (which
        // the rules then trim) is accepted too; the replay identity is the trimmed id either way.
        ReadOnlySpan<char> rawId = idHeader.AsSpan();
        ReadOnlySpan<char> rawTimestamp = timestampHeader.AsSpan();
        if (!matched && (rawId.Length != id.Length || rawTimestamp.Length != timestamp.Length))
        {
            matched = MatchesContent(rawId, rawTimestamp, body, decoded, usable, signatures, candidate);
        }

        if (!matched)
        {
            return WebhookVerdict.Mismatch;
        }

        Span<byte> identity = stackalloc byte[DigestSize];
        IdentityOf(id, identity);
        return _replayCache.TryRecord(identity, now, _retention) ? WebhookVerdict.Accepted : WebhookVerdict.Replay;
    }

    /// <summary>Whether any usable entry is the HMAC of <c>"{id}.{timestamp}.{body}"</c> under any active secret.</summary>
    private bool MatchesContent(
        ReadOnlySpan<char> id, ReadOnlySpan<char> timestamp, ReadOnlySpan<byte> body, ReadOnlySpan<byte> decoded, int usable,
        ReadOnlySpan<char> signatures, Span<byte> candidate)
    {
        int idBytes = Encoding.UTF8.GetByteCount(id);
        int length = idBytes + 1 + timestamp.Length + 1 + body.Length;
        Span<byte> content = WebhookHeaders.Rent(length, stackalloc byte[WebhookHeaders.StackContentLimit], out byte[]? rented);
        try
        {
            int written = Encoding.UTF8.GetBytes(id, content);
            content[written++] = (byte)'.';
            written += WebhookHeaders.WriteAscii(timestamp, content[written..]);
            content[written++] = (byte)'.';
            body.CopyTo(content[written..]);

            Span<byte> digest = stackalloc byte[DigestSize];
            bool matched = false;
            for (int k = 0; k < _keys.Length && !matched; k++)
            {
                HMACSHA256.HashData(_keys[k], content, digest);
                matched = usable <= WebhookHeaders.MaxDecodedEntries
                    ? WebhookHeaders.MatchesDecoded(decoded, usable, digest)
                    : MatchesAnyEntry(signatures, digest, candidate);
            }

            return matched;
        }
        finally
        {
            WebhookHeaders.Return(rented);
        }
    }

    /// <summary>
    /// The cache identity of an id: a short id (up to 31 UTF-8 bytes) is its length byte and its bytes, zero-padded;
    /// a longer one is its SHA-256 with the first byte forced to 0xFF, so the two forms never meet.
    /// </summary>
    private static void IdentityOf(ReadOnlySpan<char> id, Span<byte> identity)
    {
        int idBytes = Encoding.UTF8.GetByteCount(id);
        if (idBytes < DigestSize)
        {
            identity.Clear();
            identity[0] = (byte)idBytes;
            Encoding.UTF8.GetBytes(id, identity[1..]);
            return;
        }

        byte[]? rented = null;
        Span<byte> bytes = idBytes <= WebhookHeaders.StackContentLimit
            ? stackalloc byte[WebhookHeaders.StackContentLimit]
            : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(idBytes));
        int written = Encoding.UTF8.GetBytes(id, bytes);
        SHA256.HashData(bytes[..written], identity);
        identity[0] = 0xFF;
        WebhookHeaders.Return(rented);
    }

    /// <summary>Decodes a <c>v1,&lt;base64&gt;</c> entry into <paramref name="signature"/>; false for other versions or shapes.</summary>
    private static bool TryDecodeEntry(ReadOnlySpan<char> entry, Span<byte> signature)
    {
        if (!entry.StartsWith("v1,", StringComparison.Ordinal))
        {
            return false;
        }

        // 32 bytes are 44 base64 characters; anything else cannot be a v1 signature. The encoding must be canonical
        // (re-encoding gives the same text): Convert accepts non-zero unused bits in the last character, which would let
        // several spellings stand for one digest where the specification compares the encoded strings.
        ReadOnlySpan<char> base64 = entry[3..];
        Span<byte> decoded = stackalloc byte[DigestSize + 3];
        if (base64.Length != 44 || !Convert.TryFromBase64Chars(base64, decoded, out int written) || written != DigestSize)
        {
            return false;
        }

        Span<char> canonical = stackalloc char[44];
        if (!Convert.TryToBase64Chars(decoded[..DigestSize], canonical, out int chars) || chars != 44 || !canonical.SequenceEqual(base64))
        {
            return false;
        }

        decoded[..DigestSize].CopyTo(signature);
        return true;
    }

    /// <summary>Counts the usable entries, decoding the first <see cref="WebhookHeaders.MaxDecodedEntries"/> into <paramref name="decoded"/>.</summary>
    private static int DecodeEntries(ReadOnlySpan<char> signatures, Span<byte> decoded)
    {
        Span<byte> scratch = stackalloc byte[DigestSize];
        int count = 0;
        while (WebhookHeaders.NextEntry(ref signatures, out ReadOnlySpan<char> entry, commaSeparates: false))
        {
            if (TryDecodeEntry(entry, scratch))
            {
                if (count < WebhookHeaders.MaxDecodedEntries)
                {
                    scratch.CopyTo(decoded.Slice(count * DigestSize, DigestSize));
                }

                count++;
            }
        }

        return count;
    }

    private static bool MatchesAnyEntry(ReadOnlySpan<char> signatures, ReadOnlySpan<byte> digest, Span<byte> candidate)
    {
        bool matched = false;
        while (WebhookHeaders.NextEntry(ref signatures, out ReadOnlySpan<char> entry, commaSeparates: false))
        {
            if (TryDecodeEntry(entry, candidate))
            {
                matched |= CryptographicOperations.FixedTimeEquals(candidate, digest);
            }
        }

        return matched;
    }
}
