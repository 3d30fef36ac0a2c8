using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Lakehouse.Ingest.Tests;

/// <summary>
/// DESIGN.md "Outgoing notifications" (Standard Webhooks), clause by clause, with adversarial inputs; decisions where
/// DESIGN.md and the specification are silent are documented in the Lakehouse.Ingest README.
/// </summary>
public sealed class StandardWebhookContractTests
{
    private const long Now = 1_763_900_000;
    private const string Id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
    private static readonly byte[] Key = [.. Enumerable.Range(100, 32).Select(i => (byte)i)];
    private static readonly string Secret = "whsec_" + Convert.ToBase64String(Key);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"type":"dataset.published","data":{"dataset":"gold_daily"}}""");

    private static StandardWebhookVerifier Create(ManualClock clock, params string[] secrets)
    {
        var options = new WebhookVerificationOptions();
        foreach (string secret in secrets.Length == 0 ? [Secret] : secrets)
        {
            options.Secrets.Add(secret);
        }

        return new StandardWebhookVerifier(options, new InMemoryWebhookReplayCache(), clock);
    }

    private static StandardWebhookVerifier Create(params string[] secrets) => Create(new ManualClock(Now), secrets);

    private static string Ts(long seconds) => seconds.ToString(CultureInfo.InvariantCulture);

    /// <summary>Independent of the signer: base64 HMAC-SHA256 of "{id}.{timestamp}.{body}" under <paramref name="key"/>.</summary>
    private static byte[] Mac(string id, string timestamp, byte[] body, byte[]? key = null) =>
        HMACSHA256.HashData(key ?? Key, (byte[])[.. Encoding.UTF8.GetBytes(id + "." + timestamp + "."), .. body]);

    private static string V1(string id, string timestamp, byte[]? body = null, byte[]? key = null) =>
        "v1," + Convert.ToBase64String(Mac(id, timestamp, body ?? Body, key));

    // Rule: signed content "{id}.{timestamp}.{body}", base64 HMAC-SHA256, the signer agrees with an independent computation.
    [Fact]
    public void Sign_is_v1_base64_hmac_of_id_dot_timestamp_dot_body()
    {
        StandardWebhookHeaders headers = new StandardWebhookSigner(Secret).Sign(Body, Id, Now);

        Assert.Equal(V1(Id, Ts(Now)), headers.Signature);
        Assert.Equal(WebhookVerdict.Accepted, Create().Verify(headers.Id, headers.Timestamp, headers.Signature, Body));
    }

    // Rule: "space-separated entries, unknown versions skipped".
    [Theory]
    [InlineData("{v1}")]
    [InlineData("{x} {v1}")]
    [InlineData("{v1} {x}")]
    [InlineData("v1a,{b64} {v1}")]
    [InlineData("v2,{b64} {v1}")]
    [InlineData("v0,abc v1,garbage {v1}")]
    [InlineData("   {x}    {v1}   ")]
    [InlineData("{x}\t{v1}")]
    [InlineData("junk,, {v1}")]
    [InlineData("v1,{b64}x {v1}")]
    public void Verify_entries_one_good_v1_among_others_Accepted(string format)
    {
        Assert.Equal(WebhookVerdict.Accepted, Create().Verify(Id, Ts(Now), Expand(format), Body));
    }

    // Decision (as for the Odoo scheme): when no v1 entry holds canonical base64 of 32 bytes, the header is malformed.
    [Theory]
    [InlineData("v1a,{b64}")]
    [InlineData("V1,{b64}")]
    [InlineData("v2,{b64}")]
    [InlineData("{b64}")]
    [InlineData("v1:{b64}")]
    [InlineData("v1={b64}")]
    [InlineData("v1, {b64}")] // the space splits the entry: "v1," and a bare base64 string
    [InlineData("v1,{nopad}")] // base64 without its padding
    [InlineData("v1,{url}")] // base64url alphabet
    [InlineData("v1,{b64}=")]
    [InlineData("v1,{short}")]
    [InlineData("v1,{hex}")]
    [InlineData("v1,")]
    [InlineData(",")]
    [InlineData("v1,{b64},{b64}")]
    [InlineData("junk, ,{v1}")] // ",v1,..." is not a v1 entry: entries are separated by white space only
    public void Verify_no_usable_v1_entry_Malformed(string format)
    {
        Assert.Equal(WebhookVerdict.Malformed, Create().Verify(Id, Ts(Now), Expand(format), Body));
    }

    // Rule: a v1 entry whose base64 has non-zero trailing bits is not canonical base64 of the digest; reference
    // implementations compare the encoded strings, so it never matches (the last character is the only one
    // that can carry such bits).
    [Fact]
    public void Verify_v1_entry_with_non_canonical_trailing_bits_never_Accepted()
    {
        string good = Convert.ToBase64String(Mac(Id, Ts(Now), Body));
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        int index = Alphabet.IndexOf(good[42], StringComparison.Ordinal);
        for (int low = 1; low < 4; low++)
        {
            string tampered = good[..42] + Alphabet[index ^ low] + "=";
            WebhookVerdict verdict = Create().Verify(Id, Ts(Now), "v1," + tampered, Body);
            Assert.NotEqual(WebhookVerdict.Accepted, verdict);
            Assert.Equal(WebhookVerdict.Malformed, verdict);
            Assert.Equal(WebhookVerdict.Accepted, Create().Verify(Id, Ts(Now), "v1," + tampered + " v1," + good, Body));
        }
    }

    [Theory]
    [InlineData("{x}")]
    [InlineData("{x} {x2}")]
    [InlineData("v1,{flip}")]
    public void Verify_v1_entries_none_matching_Mismatch(string format)
    {
        Assert.Equal(WebhookVerdict.Mismatch, Create().Verify(Id, Ts(Now), Expand(format), Body));
    }

    // Rule: "same timestamp rule and window".
    [Theory]
    [InlineData("+1763900000")]
    [InlineData("01763900000")]
    [InlineData("1763900000.0")]
    [InlineData("1.7639e9")]
    [InlineData("-1763900000")]
    [InlineData("\u0661\u0667\u0666\u0663\u0669\u0660\u0660\u0660\u0660\u0660")]
    [InlineData("\uFF11\uFF17\uFF16\uFF13\uFF19\uFF10\uFF10\uFF10\uFF10\uFF10")]
    [InlineData("\u00A01763900000")]
    public void Verify_non_canonical_timestamp_Malformed(string timestamp)
    {
        Assert.Equal(WebhookVerdict.Malformed, Create().Verify(Id, timestamp, V1(Id, timestamp), Body));
    }

    [Theory]
    [InlineData(-301, WebhookVerdict.Stale)]
    [InlineData(-300, WebhookVerdict.Accepted)]
    [InlineData(300, WebhookVerdict.Accepted)]
    [InlineData(301, WebhookVerdict.Future)]
    public void Verify_window_is_300_seconds_inclusive(long offset, WebhookVerdict expected)
    {
        string ts = Ts(Now + offset);

        Assert.Equal(expected, Create().Verify(Id, ts, V1(Id, ts), Body));
    }

    [Theory]
    [InlineData("99999999999999999999999")]
    [InlineData("9223372036854775808")]
    public void Verify_enormous_canonical_timestamp_Future(string timestamp)
    {
        Assert.Equal(WebhookVerdict.Future, Create().Verify(Id, timestamp, V1(Id, timestamp), Body));
    }

    // Decision: as for the Odoo scheme, an absent, empty or white-space-only header is missing; space, tab, CR and
    // LF are trimmed from each value and the signed content uses the trimmed id and timestamp.
    [Theory]
    [InlineData(null, "ts", "sig")]
    [InlineData("id", null, "sig")]
    [InlineData("id", "ts", null)]
    [InlineData("", "ts", "sig")]
    [InlineData(" \t", "ts", "sig")]
    [InlineData("id", "", "sig")]
    [InlineData("id", "ts", " ")]
    public void Verify_absent_or_empty_header_MissingHeader(string? id, string? timestamp, string? signature)
    {
        string ts = Ts(Now);
        Assert.Equal(WebhookVerdict.MissingHeader, Create().Verify(
            id == "id" ? Id : id, timestamp == "ts" ? ts : timestamp, signature == "sig" ? V1(Id, ts) : signature, Body));
    }

    [Fact]
    public void Verify_trimmed_headers_Accepted_whether_signed_over_trimmed_or_sent_values()
    {
        string ts = Ts(Now);
        StandardWebhookVerifier verifier = Create();

        Assert.Equal(WebhookVerdict.Accepted, Create().Verify(" " + Id + "\t", "\t" + ts + " ", " " + V1(Id, ts) + "\r\n", Body));
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(" " + Id, ts + " ", V1(" " + Id, ts + " "), Body));
        Assert.Equal(WebhookVerdict.Replay, verifier.Verify(Id, ts, V1(Id, ts), Body));
        Assert.Equal(WebhookVerdict.Mismatch, Create().Verify(Id, ts, V1(" " + Id, ts), Body));
        Assert.Equal(WebhookVerdict.Mismatch, Create().Verify(" " + Id, ts, V1(" " + Id, ts + " "), Body));
    }

    // Rule: "secrets whsec_<base64> with the prefix optional; key 24–64 bytes (else a clear error)".
    [Theory]
    [InlineData(24)]
    [InlineData(32)]
    [InlineData(64)]
    public void Constructor_key_of_24_to_64_bytes_with_or_without_prefix_Accepted(int size)
    {
        byte[] key = RandomNumberGenerator.GetBytes(size);
        string base64 = Convert.ToBase64String(key);
        string ts = Ts(Now);

        Assert.Equal(WebhookVerdict.Accepted, Create("whsec_" + base64).Verify(Id, ts, V1(Id, ts, key: key), Body));
        Assert.Equal(WebhookVerdict.Accepted, Create(base64).Verify(Id, ts, V1(Id, ts, key: key), Body));
        Assert.Equal(V1(Id, ts, key: key), new StandardWebhookSigner(base64).Sign(Body, Id, Now).Signature);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(23)]
    [InlineData(65)]
    [InlineData(128)]
    public void Constructor_key_outside_24_to_64_bytes_throws_naming_the_size(int size)
    {
        string secret = "whsec_" + Convert.ToBase64String(new byte[size]);

        ArgumentException verifier = Assert.ThrowsAny<ArgumentException>(() => Create(secret));
        ArgumentException signer = Assert.ThrowsAny<ArgumentException>(() => new StandardWebhookSigner(secret));

        Assert.Contains("24", verifier.Message, StringComparison.Ordinal);
        Assert.Contains("64", signer.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("whsec_!!!notbase64!!!")]
    [InlineData("whsec_" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-_")]
    [InlineData("WHSEC_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("whsec_whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Constructor_secret_not_base64_throws(string secret)
    {
        Assert.ThrowsAny<ArgumentException>(() => Create(secret));
    }

    // Rule: "replay identity is webhook-id": a verified second delivery of the same id is a replay, whatever its
    // timestamp, body or signing secret; another id is not.
    [Fact]
    public void Verify_same_id_second_verified_delivery_Replay()
    {
        byte[] otherKey = RandomNumberGenerator.GetBytes(32);
        StandardWebhookVerifier verifier = Create(Secret, "whsec_" + Convert.ToBase64String(otherKey));
        string ts = Ts(Now);
        string later = Ts(Now + 60);
        byte[] otherBody = [.. Body, (byte)'\n'];

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Id, ts, V1(Id, ts), Body));
        Assert.Equal(WebhookVerdict.Replay, verifier.Verify(Id, ts, V1(Id, ts), Body));
        Assert.Equal(WebhookVerdict.Replay, verifier.Verify(Id, later, V1(Id, later), Body));
        Assert.Equal(WebhookVerdict.Replay, verifier.Verify(Id, ts, V1(Id, ts, otherBody), otherBody));
        Assert.Equal(WebhookVerdict.Replay, verifier.Verify(" " + Id + " ", ts, V1(Id, ts, key: otherKey), Body));
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Id + "_2", ts, V1(Id + "_2", ts), Body));
    }

    [Fact]
    public void Verify_rejected_deliveries_do_not_poison_replay_cache()
    {
        var clock = new ManualClock(Now);
        StandardWebhookVerifier verifier = Create(clock);
        string ts = Ts(Now);

        Assert.Equal(WebhookVerdict.Mismatch, verifier.Verify(Id, ts, V1(Id, ts, key: new byte[32]), Body));
        clock.SetUnixSeconds(Now + 301);
        Assert.Equal(WebhookVerdict.Stale, verifier.Verify(Id, ts, V1(Id, ts), Body));
        clock.SetUnixSeconds(Now);
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Id, ts, V1(Id, ts), Body));
    }

    [Fact]
    public void Verify_replay_of_id_refused_while_any_timestamp_could_be_in_window()
    {
        var clock = new ManualClock(Now);
        StandardWebhookVerifier verifier = Create(clock);
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Id, Ts(Now), V1(Id, Ts(Now)), Body));

        clock.Now = DateTimeOffset.FromUnixTimeSeconds(Now + 600).AddMilliseconds(999);
        string fresh = Ts(Now + 600);
        Assert.Equal(WebhookVerdict.Replay, verifier.Verify(Id, fresh, V1(Id, fresh), Body));
    }

    // Rule: verdict order missing_header, malformed, stale, future, mismatch, replay, as for the Odoo scheme.
    [Fact]
    public void Verify_verdicts_checked_in_contract_order()
    {
        string ts = Ts(Now);
        string old = Ts(Now - 1000);
        string wrong = V1(Id, ts, key: new byte[32]);

        Assert.Equal(WebhookVerdict.MissingHeader, Create().Verify(null, "+1", "junk", Body));
        Assert.Equal(WebhookVerdict.Malformed, Create().Verify(Id, "+1", wrong, Body));
        Assert.Equal(WebhookVerdict.Malformed, Create().Verify(Id, old, "v2,junk", Body));
        Assert.Equal(WebhookVerdict.Stale, Create().Verify(Id, old, wrong, Body));
        Assert.Equal(WebhookVerdict.Future, Create().Verify(Id, Ts(Now + 1000), wrong, Body));
        Assert.Equal(WebhookVerdict.Mismatch, Create().Verify(Id, ts, wrong, Body));
    }

    private static string Expand(string format)
    {
        string ts = Ts(Now);
        byte[] mac = Mac(Id, ts, Body);
        string b64 = Convert.ToBase64String(mac);
        byte[] flipped = (byte[])mac.Clone();
        flipped[5] ^= 0x40;
        return format
            .Replace("{v1}", "v1," + b64, StringComparison.Ordinal)
            .Replace("{x2}", V1(Id, ts, key: Enumerable.Repeat((byte)9, 32).ToArray()), StringComparison.Ordinal)
            .Replace("{x}", V1(Id, ts, key: new byte[32]), StringComparison.Ordinal)
            .Replace("{b64}", b64, StringComparison.Ordinal)
            .Replace("{nopad}", b64.TrimEnd('='), StringComparison.Ordinal)
            .Replace("{url}", b64.Replace('+', '-').Replace('/', '_'), StringComparison.Ordinal)
            .Replace("{short}", Convert.ToBase64String(mac[..31]), StringComparison.Ordinal)
            .Replace("{hex}", Convert.ToHexStringLower(mac), StringComparison.Ordinal)
            .Replace("{flip}", Convert.ToBase64String(flipped), StringComparison.Ordinal);
    }
}
