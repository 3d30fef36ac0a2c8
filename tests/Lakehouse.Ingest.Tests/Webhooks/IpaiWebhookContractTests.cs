using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FsCheck.Xunit;

namespace Lakehouse.Ingest.Tests;

/// <summary>
/// DESIGN.md "Odoo webhook", clause by clause, with adversarial inputs. Each test names the clause it checks;
/// decisions where DESIGN.md is silent are documented in the Lakehouse.Ingest README ("Webhook verification").
/// </summary>
public sealed class IpaiWebhookContractTests
{
    private const string Secret = "odoo-shared-secret";
    private const long Now = 1_763_900_000;
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"event_type":"sale.order.confirmed","aggregate_type":"sale.order","aggregate_id":7,"payload":{"amount":150.5}}""");

    private static IpaiWebhookVerifier Create(long now = Now, params string[] secrets) => Create(new ManualClock(now), secrets);

    private static IpaiWebhookVerifier Create(ManualClock clock, params string[] secrets)
    {
        var options = new WebhookVerificationOptions();
        foreach (string secret in secrets.Length == 0 ? [Secret] : secrets)
        {
            options.Secrets.Add(secret);
        }

        return new IpaiWebhookVerifier(options, new InMemoryWebhookReplayCache(), clock);
    }

    private static string Ts(long seconds) => seconds.ToString(CultureInfo.InvariantCulture);

    private static string Sig(string timestamp, byte[]? body = null, string secret = Secret) => IpaiWebhookSigner.Sign(secret, timestamp, body ?? Body);

    // Rule: "the timestamp is canonical Unix seconds (^(0|[1-9][0-9]*)$, else malformed)".
    [Theory]
    [InlineData("+1763900000")]
    [InlineData("-1763900000")]
    [InlineData("-0")]
    [InlineData("+0")]
    [InlineData("01763900000")]
    [InlineData("00")]
    [InlineData("1763900000.0")]
    [InlineData("1763900000.")]
    [InlineData(".5")]
    [InlineData("1.7639e9")]
    [InlineData("1763900000e0")]
    [InlineData("1E3")]
    [InlineData("0x691F1F00")]
    [InlineData("1_763_900_000")]
    [InlineData("1,763,900,000")]
    [InlineData("1763900000 1763900000")]
    [InlineData("1763900000\t1")]
    [InlineData("17639\u200B00000")] // zero-width space inside
    [InlineData("\u0661\u0667\u0666\u0663\u0669\u0660\u0660\u0660\u0660\u0660")] // Arabic-Indic digits
    [InlineData("\u06F1\u06F7\u06F6\u06F3\u06F9\u06F0\u06F0\u06F0\u06F0\u06F0")] // extended Arabic-Indic digits
    [InlineData("\u0967\u096D\u096C\u0969\u096F\u0966\u0966\u0966\u0966\u0966")] // Devanagari digits
    [InlineData("\uFF11\uFF17\uFF16\uFF13\uFF19\uFF10\uFF10\uFF10\uFF10\uFF10")] // full-width digits
    [InlineData("176390000\uFF10")] // one full-width digit at the end
    [InlineData("\u00B9\u00B2")] // superscript digits
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1763900000Z")]
    [InlineData("2025-11-23T12:13:20Z")]
    [InlineData("\"1763900000\"")]
    public void Verify_timestamp_not_canonical_unix_seconds_Malformed(string timestamp)
    {
        Assert.Equal(WebhookVerdict.Malformed, Create().Verify(timestamp, Sig(timestamp), Body));
    }

    // Rule: canonical timestamps of any size are well formed; one beyond any clock is "future", never an exception.
    [Theory]
    [InlineData("9223372036854775807", WebhookVerdict.Future)]
    [InlineData("9223372036854775808", WebhookVerdict.Future)]
    [InlineData("18446744073709551616", WebhookVerdict.Future)]
    [InlineData("253402300800", WebhookVerdict.Future)] // year 10000
    [InlineData("0", WebhookVerdict.Stale)]
    [InlineData("1", WebhookVerdict.Stale)]
    public void Verify_canonical_timestamp_far_from_now_Future_or_Stale_without_throwing(string timestamp, WebhookVerdict expected)
    {
        Assert.Equal(expected, Create().Verify(timestamp, Sig(timestamp), Body));
    }

    [Fact]
    public void Verify_canonical_timestamp_of_thousands_of_digits_Future_without_throwing()
    {
        string timestamp = "1" + new string('0', 5000);

        Assert.Equal(WebhookVerdict.Future, Create().Verify(timestamp, Sig(timestamp), Body));
    }

    // Rule: "accepted when |now − ts| ≤ 300 s, inclusive" — older is stale, newer is future.
    [Theory]
    [InlineData(-100_000, WebhookVerdict.Stale)]
    [InlineData(-301, WebhookVerdict.Stale)]
    [InlineData(-300, WebhookVerdict.Accepted)]
    [InlineData(-1, WebhookVerdict.Accepted)]
    [InlineData(0, WebhookVerdict.Accepted)]
    [InlineData(1, WebhookVerdict.Accepted)]
    [InlineData(300, WebhookVerdict.Accepted)]
    [InlineData(301, WebhookVerdict.Future)]
    [InlineData(100_000, WebhookVerdict.Future)]
    public void Verify_window_is_300_seconds_inclusive_both_sides(long offset, WebhookVerdict expected)
    {
        string ts = Ts(Now + offset);

        Assert.Equal(expected, Create().Verify(ts, Sig(ts), Body));
    }

    // Rule: the window is judged on whole seconds of the clock (now = floor of the clock's Unix time).
    [Theory]
    [InlineData(-300, 999, WebhookVerdict.Accepted)]
    [InlineData(-301, 0, WebhookVerdict.Stale)]
    [InlineData(300, 999, WebhookVerdict.Accepted)]
    [InlineData(301, 999, WebhookVerdict.Future)]
    public void Verify_window_with_sub_second_clock_uses_whole_seconds(long offset, int clockMilliseconds, WebhookVerdict expected)
    {
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(Now).AddMilliseconds(clockMilliseconds));
        string ts = Ts(Now + offset);

        Assert.Equal(expected, Create(clock).Verify(ts, Sig(ts), Body));
    }

    // Rule: "header values are trimmed of surrounding white space" — white space is space, tab, CR and LF
    // (HTTP's optional white space, plus the line breaks DESIGN.md counts as white space elsewhere).
    [Theory]
    [InlineData(" ", "")]
    [InlineData("\t", "\t")]
    [InlineData("  \t ", " \t")]
    [InlineData("\r\n", "\r\n")]
    [InlineData("\n", " ")]
    public void Verify_surrounding_space_tab_cr_lf_trimmed_Accepted(string before, string after)
    {
        string ts = Ts(Now);

        Assert.Equal(WebhookVerdict.Accepted, Create().Verify(before + ts + after, before + Sig(ts) + after, Body));
    }

    // Decision: other Unicode white space (NBSP, em space, line separator, zero-width no-break space, vertical tab,
    // form feed) is not header white space: the value is not trimmed, so the timestamp is malformed.
    [Theory]
    [InlineData("\u00A0")]
    [InlineData("\u2003")]
    [InlineData("\u2028")]
    [InlineData("\u3000")]
    [InlineData("\uFEFF")]
    [InlineData("\u000B")]
    [InlineData("\u000C")]
    [InlineData("\u0085")]
    public void Verify_timestamp_with_non_http_white_space_Malformed(string space)
    {
        string ts = Ts(Now);

        Assert.Equal(WebhookVerdict.Malformed, Create().Verify(space + ts, Sig(ts), Body));
        Assert.Equal(WebhookVerdict.Malformed, Create().Verify(ts + space, Sig(ts), Body));
    }

    // Rule: the HMAC is over "the header value exactly as sent", and header values are trimmed. Decision: both
    // readings are accepted — a signature over the trimmed digits, or over the value with its surrounding white
    // space — and they are one delivery for replay purposes. Anything else around the digits is still a mismatch.
    [Theory]
    [InlineData(" ", "")]
    [InlineData("", "\t")]
    [InlineData(" \t", "\r\n")]
    public void Verify_signature_over_trimmed_or_untrimmed_timestamp_Accepted_and_one_delivery(string before, string after)
    {
        string ts = Ts(Now);
        string header = before + ts + after;
        IpaiWebhookVerifier verifier = Create();

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(header, Sig(header), Body));
        Assert.Equal(WebhookVerdict.Replay, verifier.Verify(ts, Sig(ts), Body));
        Assert.Equal(WebhookVerdict.Replay, verifier.Verify(header, Sig(ts), Body));
        Assert.Equal(WebhookVerdict.Mismatch, Create().Verify(ts, Sig(header), Body));
        Assert.Equal(WebhookVerdict.Mismatch, Create().Verify(header, Sig("0" + ts), Body));
        Assert.Equal(WebhookVerdict.Mismatch, Create().Verify(header, Sig(before + ts), Body.AsSpan(1).ToArray()));
    }

    // Decision: a header that is absent, empty or only white space is missing (HTTP gives an empty value no meaning).
    [Theory]
    [InlineData(null, "sig")]
    [InlineData("ts", null)]
    [InlineData(null, null)]
    [InlineData("", "sig")]
    [InlineData("ts", "")]
    [InlineData(" \t", "sig")]
    [InlineData("ts", "\r\n ")]
    [InlineData("", "")]
    [InlineData("", "garbage")]
    [InlineData("+1", "")]
    public void Verify_absent_or_empty_header_MissingHeader_before_anything_else(string? timestamp, string? signature)
    {
        string ts = Ts(Now);
        string? timestampHeader = timestamp == "ts" ? ts : timestamp;
        string? signatureHeader = signature == "sig" ? Sig(ts) : signature;

        Assert.Equal(WebhookVerdict.MissingHeader, Create().Verify(timestampHeader, signatureHeader, Body));
    }

    // Rule: entries separated by commas and/or white space, each an optional "sha256=" prefix plus 64 hex digits
    // in either case; other entries are ignored.
    [Theory]
    [InlineData("{0}")]
    [InlineData("sha256={0}")]
    [InlineData("{U}")]
    [InlineData("sha256={U}")]
    [InlineData("{M}")] // mixed case hex
    [InlineData("{X},{0}")]
    [InlineData("{0},{X}")]
    [InlineData("{X} {0}")]
    [InlineData("{X}\t{0}")]
    [InlineData("{X}\r\n{0}")]
    [InlineData("{X}, {0}")]
    [InlineData("{X} ,\t, {0}")]
    [InlineData(",{0},")]
    [InlineData(",,, {0} ,,,")]
    [InlineData("sha1=abc, v1={0}, sha256={0}")]
    [InlineData("t=1763900000,v1={X},{0}")]
    [InlineData("sha256={X},sha256={0}")]
    [InlineData("garbage {0} more-garbage")]
    [InlineData("{0}{0},{0}")] // 128 hex digits is not an entry; the third is
    public void Verify_signature_entries_one_usable_and_matching_Accepted(string format)
    {
        string ts = Ts(Now);

        Assert.Equal(WebhookVerdict.Accepted, Create().Verify(ts, Expand(format, ts), Body));
    }

    // Rule: "none usable is malformed" — no entry is an optional lower-case sha256= plus exactly 64 ASCII hex digits.
    [Theory]
    [InlineData("{0}0")] // 65 digits
    [InlineData("{63}")] // 63 digits
    [InlineData("SHA256={0}")] // decision: the prefix is lower case, as DESIGN.md writes it
    [InlineData("Sha256={0}")]
    [InlineData("sha256 ={0}")]
    [InlineData("sha256:{0}")]
    [InlineData("sha256=sha256={0}")]
    [InlineData("sha512={0}")]
    [InlineData("v1={0}")]
    [InlineData("={0}")]
    [InlineData("0x{0}")]
    [InlineData("\"{0}\"")]
    [InlineData("{G}")] // a non-hex letter
    [InlineData("{W}")] // full-width hex digit
    [InlineData("{0}{0}")]
    [InlineData("{B}")] // the digest in base64
    [InlineData("{0}\u00A0{X}")] // NBSP does not separate entries
    [InlineData(",")]
    [InlineData("sha256=")]
    public void Verify_no_usable_signature_entry_Malformed(string format)
    {
        string ts = Ts(Now);

        Assert.Equal(WebhookVerdict.Malformed, Create().Verify(ts, Expand(format, ts), Body));
    }

    // Rule: well-formed entries that match no active secret are a mismatch.
    [Theory]
    [InlineData("{X}")]
    [InlineData("{X},{X}")]
    [InlineData("sha256={X} {Z}")]
    [InlineData("{F}")] // one digit flipped
    public void Verify_usable_entries_none_matching_Mismatch(string format)
    {
        string ts = Ts(Now);

        Assert.Equal(WebhookVerdict.Mismatch, Create().Verify(ts, Expand(format, ts), Body));
    }

    // Rule: HMAC-SHA256 keyed by the UTF-8 bytes of the secret over "{timestamp}." + the raw body bytes.
    [Theory]
    [InlineData("plain-ascii-secret")]
    [InlineData("sécret-ñ-日本-🔑")]
    [InlineData(" secret with spaces ")]
    public void Verify_key_is_utf8_of_secret_and_content_is_timestamp_dot_raw_body(string secret)
    {
        string ts = Ts(Now);
        byte[] body = [0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}', 0x00, 0xFF, (byte)'\r', (byte)'\n']; // raw bytes, not even UTF-8
        byte[] content = [.. Encoding.ASCII.GetBytes(ts + "."), .. body];
        string expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), content));

        Assert.Equal(WebhookVerdict.Accepted, Create(Now, secret).Verify(ts, expected, body));
        Assert.Equal(WebhookVerdict.Mismatch, Create(Now, secret).Verify(ts, expected, body.AsSpan(3).ToArray()));
    }

    // Rule: "any active secret may match (rotation)".
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Verify_any_active_secret_matches_Accepted(int signer)
    {
        string[] secrets = ["first", "second", "third"];
        string ts = Ts(Now);

        Assert.Equal(WebhookVerdict.Accepted, Create(Now, secrets).Verify(ts, Sig(ts, secret: secrets[signer]), Body));
        Assert.Equal(WebhookVerdict.Mismatch, Create(Now, secrets).Verify(ts, Sig(ts, secret: "retired"), Body));
    }

    // Rule: "a second verified delivery with the same timestamp and body is a replay".
    [Fact]
    public void Verify_same_timestamp_and_body_twice_Replay_even_with_other_spelling_of_headers()
    {
        IpaiWebhookVerifier verifier = Create(Now, "first", "second");
        string ts = Ts(Now);

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(ts, Sig(ts, secret: "first"), Body));
        Assert.Equal(WebhookVerdict.Replay, verifier.Verify(ts, Sig(ts, secret: "first"), Body));
        Assert.Equal(WebhookVerdict.Replay, verifier.Verify(" " + ts + "\t", "sha256=" + Sig(ts, secret: "second").ToUpperInvariant(), Body));
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Ts(Now - 1), Sig(Ts(Now - 1), secret: "first"), Body));
        byte[] other = [.. Body, (byte)' '];
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(ts, Sig(ts, other, "first"), other));
    }

    // Rule: only a verified delivery is remembered — a mismatch, stale or future delivery never poisons the cache.
    [Fact]
    public void Verify_rejected_deliveries_do_not_poison_replay_cache()
    {
        var clock = new ManualClock(Now);
        IpaiWebhookVerifier verifier = Create(clock);
        string ts = Ts(Now);

        Assert.Equal(WebhookVerdict.Mismatch, verifier.Verify(ts, Sig(ts, secret: "forger"), Body));
        Assert.Equal(WebhookVerdict.Mismatch, verifier.Verify(ts, Sig(ts, secret: "forger"), Body));
        Assert.Equal(WebhookVerdict.Malformed, verifier.Verify(ts, "nothing", Body));
        clock.SetUnixSeconds(Now - 301);
        Assert.Equal(WebhookVerdict.Future, verifier.Verify(ts, Sig(ts), Body));
        clock.SetUnixSeconds(Now + 301);
        Assert.Equal(WebhookVerdict.Stale, verifier.Verify(ts, Sig(ts), Body));
        clock.SetUnixSeconds(Now);
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(ts, Sig(ts), Body));
        Assert.Equal(WebhookVerdict.Replay, verifier.Verify(ts, Sig(ts), Body));
    }

    // Rule: "identities are kept at least 10 minutes, twice the window, so nothing inside the window can be replayed".
    [Theory]
    [InlineData(-300)]
    [InlineData(0)]
    [InlineData(300)]
    public void Verify_replay_refused_for_as_long_as_the_timestamp_is_inside_the_window(long offset)
    {
        var clock = new ManualClock(Now);
        IpaiWebhookVerifier verifier = Create(clock);
        string ts = Ts(Now + offset);
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(ts, Sig(ts), Body));

        // Walk the clock over every second in which the timestamp is still inside the window (and sub-second edges).
        for (long now = Now; now <= Now + offset + 300; now++)
        {
            clock.Now = DateTimeOffset.FromUnixTimeSeconds(now).AddMilliseconds(999);
            Assert.Equal(WebhookVerdict.Replay, verifier.Verify(ts, Sig(ts), Body));
        }

        clock.SetUnixSeconds(Now + offset + 301);
        Assert.Equal(WebhookVerdict.Stale, verifier.Verify(ts, Sig(ts), Body));
    }

    // Rule: replay = second verified delivery. With recordReplay: false the caller records once the delivery is
    // durable; TryRecordDelivery uses the same identity as Verify (timestamp, trimmed, and body).
    [Fact]
    public void Verify_without_recording_then_TryRecordDelivery_same_identity_as_Verify()
    {
        IpaiWebhookVerifier verifier = Create();
        string ts = Ts(Now);

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(ts, Sig(ts), Body, recordReplay: false));
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(ts, Sig(ts), Body, recordReplay: false));
        Assert.Equal(WebhookVerdict.Mismatch, verifier.Verify(ts, Sig(ts, secret: "x"), Body, recordReplay: false));
        Assert.True(verifier.TryRecordDelivery(" " + ts, Body));
        Assert.False(verifier.TryRecordDelivery(ts, Body));
        Assert.Equal(WebhookVerdict.Replay, verifier.Verify(ts, Sig(ts), Body));
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Ts(Now + 1), Sig(Ts(Now + 1)), Body));
        Assert.False(verifier.TryRecordDelivery(Ts(Now + 1), Body));
        Assert.Throws<ArgumentException>(() => verifier.TryRecordDelivery("+1", Body));
    }

    // Rule: "checked in that order": missing_header, malformed, stale, future, mismatch, replay.
    [Theory]
    [InlineData(null, "{X}", WebhookVerdict.MissingHeader)]
    [InlineData("+1763900000", null, WebhookVerdict.MissingHeader)]
    [InlineData("+1763900000", "nope", WebhookVerdict.Malformed)]
    [InlineData("1763900000", "nope", WebhookVerdict.Malformed)]
    [InlineData("1763899000", "nope", WebhookVerdict.Malformed)]
    [InlineData("01763900000", "{0}", WebhookVerdict.Malformed)]
    [InlineData("1763899000", "{X}", WebhookVerdict.Stale)]
    [InlineData("1763899000", "{0}", WebhookVerdict.Stale)]
    [InlineData("1763901000", "{X}", WebhookVerdict.Future)]
    [InlineData("1763900000", "{X}", WebhookVerdict.Mismatch)]
    public void Verify_verdicts_checked_in_contract_order(string? timestamp, string? signatureFormat, WebhookVerdict expected)
    {
        string? signature = signatureFormat is null ? null : Expand(signatureFormat, timestamp ?? Ts(Now));

        Assert.Equal(expected, Create().Verify(timestamp, signature, Body));
    }

    [Fact]
    public void Verify_replay_comes_last_after_window_checks()
    {
        var clock = new ManualClock(Now);
        IpaiWebhookVerifier verifier = Create(clock);
        string ts = Ts(Now);
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(ts, Sig(ts), Body));

        Assert.Equal(WebhookVerdict.Mismatch, verifier.Verify(ts, Sig(ts, secret: "forger"), Body));
        clock.SetUnixSeconds(Now + 301);
        Assert.Equal(WebhookVerdict.Stale, verifier.Verify(ts, Sig(ts), Body));
    }

    private const string TimestampAlphabet = "0123456789012345+-.eE x\t\r\n\u00A0\u2003\u0660\u0661\uFF10\uFF11\u00B9,";

    // Rule, as an invariant: a timestamp header is missing when blank after trimming SP/HT/CR/LF, else it is malformed
    // exactly when the trimmed value does not match ^(0|[1-9][0-9]*)$ over ASCII digits; a well-formed one is judged
    // by the window and never throws.
    [Property(MaxTest = 2000)]
    public bool Verify_timestamp_verdict_follows_the_canonical_regex(int seed)
    {
        var random = new Random(seed);
        int length = random.Next(0, 14);
        var builder = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            builder.Append(TimestampAlphabet[random.Next(TimestampAlphabet.Length)]);
        }

        if (random.Next(3) == 0)
        {
            builder.Insert(0, Ts(Now + random.Next(-400, 400)));
        }

        string header = builder.ToString();
        string trimmed = header.Trim(' ', '\t', '\r', '\n');
        WebhookVerdict verdict = Create().Verify(header, Sig(trimmed), Body);
        if (trimmed.Length == 0)
        {
            return verdict == WebhookVerdict.MissingHeader;
        }

        bool canonical = Regex.IsMatch(trimmed, "^(0|[1-9][0-9]*)$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return canonical
            ? verdict is WebhookVerdict.Accepted or WebhookVerdict.Stale or WebhookVerdict.Future
            : verdict == WebhookVerdict.Malformed;
    }

    private static readonly string[] EntryPieces = ["sha256=", "SHA256=", "v1=", ",", " ", "\t", "\u00A0", "=", "g", "0", "A"];

    // Rule, as an invariant: the signature header is malformed exactly when none of its entries (split on commas and
    // SP/HT/CR/LF) is an optional lower-case "sha256=" plus 64 ASCII hex digits; with the right digest among them it is accepted.
    [Property(MaxTest = 1000)]
    public bool Verify_signature_header_verdict_follows_the_entry_grammar(int seed)
    {
        var random = new Random(seed);
        string ts = Ts(Now);
        string good = Sig(ts);
        string other = Sig(ts, secret: "other-secret");
        var builder = new StringBuilder();
        int parts = random.Next(1, 8);
        for (int i = 0; i < parts; i++)
        {
            builder.Append(random.Next(6) switch
            {
                0 => good,
                1 => other.ToUpperInvariant(),
                2 => good[..random.Next(1, 64)],
                _ => EntryPieces[random.Next(EntryPieces.Length)],
            });
        }

        string header = builder.ToString();
        string trimmed = header.Trim(' ', '\t', '\r', '\n');
        WebhookVerdict verdict = Create().Verify(ts, header, Body);
        if (trimmed.Length == 0)
        {
            return verdict == WebhookVerdict.MissingHeader;
        }

        string[] entries = trimmed.Split([',', ' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        bool IsUsable(string entry) => Regex.IsMatch(entry, "^(sha256=)?[0-9a-fA-F]{64}$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        bool IsGood(string entry) => IsUsable(entry) && string.Equals(entry.Replace("sha256=", "", StringComparison.Ordinal), good, StringComparison.OrdinalIgnoreCase);
        WebhookVerdict expected = !entries.Any(IsUsable) ? WebhookVerdict.Malformed
            : entries.Any(IsGood) ? WebhookVerdict.Accepted
            : WebhookVerdict.Mismatch;
        return verdict == expected;
    }

    /// <summary>
    /// Expands a signature template for the delivery (<paramref name="ts"/>, <see cref="Body"/>): {0} the right lower-case
    /// digest, {U} upper case, {M} mixed, {X}/{Z} digests under other secrets, {63} one digit short, {G} one digit
    /// replaced by 'g', {W} one digit replaced by a full-width digit, {B} the digest in base64, {F} one digit flipped.
    /// </summary>
    private static string Expand(string format, string ts)
    {
        string good = Sig(ts);
        string mixed = string.Concat(good.Select((c, i) => i % 2 == 0 ? char.ToUpperInvariant(c) : c));
        string flipped = (good[0] == '0' ? "1" : "0") + good[1..];
        return format
            .Replace("{0}", good, StringComparison.Ordinal)
            .Replace("{U}", good.ToUpperInvariant(), StringComparison.Ordinal)
            .Replace("{M}", mixed, StringComparison.Ordinal)
            .Replace("{X}", Sig(ts, secret: "other-secret"), StringComparison.Ordinal)
            .Replace("{Z}", Sig(ts, secret: "yet-another"), StringComparison.Ordinal)
            .Replace("{63}", good[..63], StringComparison.Ordinal)
            .Replace("{G}", "g" + good[1..], StringComparison.Ordinal)
            .Replace("{W}", "\uFF11" + good[1..], StringComparison.Ordinal)
            .Replace("{B}", Convert.ToBase64String(Convert.FromHexString(good)), StringComparison.Ordinal)
            .Replace("{F}", flipped, StringComparison.Ordinal);
    }
}
