using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FsCheck.Xunit;

namespace Lakehouse.Ingest.Tests;

public sealed class StandardWebhookVerifierTests
{
    private const long Now = 1_763_900_000;
    private const string Id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
    private static readonly string Secret = "whsec_" + Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"type":"dataset.published","data":{"dataset":"gold_daily","version":7}}""");

    private static StandardWebhookVerifier Create(ManualClock clock, IWebhookReplayCache? cache = null, params string[] secrets)
    {
        var options = new WebhookVerificationOptions();
        foreach (string secret in secrets.Length == 0 ? [Secret] : secrets)
        {
            options.Secrets.Add(secret);
        }

        return new StandardWebhookVerifier(options, cache, clock);
    }

    private static StandardWebhookHeaders Sign(string secret, byte[] body, string id = Id, long timestamp = Now) =>
        new StandardWebhookSigner(secret).Sign(body, id, timestamp);

    private static string Ts(long seconds) => seconds.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void Sign_matches_specification_example()
    {
        // The worked example of the Standard Webhooks specification (its secret, id, timestamp and body).
        var signer = new StandardWebhookSigner("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        StandardWebhookHeaders headers = signer.Sign("""{"test": 2432232314}"""u8, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330);

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", headers.Signature);
        Assert.Equal("1614265330", headers.Timestamp);
        Assert.Equal("msg_p5jXN8AQM9LWM0D4loKWxJek", headers.Id);
    }

    [Fact]
    public void Verify_specification_example_Accepted()
    {
        var options = new WebhookVerificationOptions();
        options.Secrets.Add("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        var verifier = new StandardWebhookVerifier(options, null, new ManualClock(1614265330));

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(
            "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", """{"test": 2432232314}"""u8));
    }

    [Fact]
    public void Verify_signed_delivery_Accepted()
    {
        StandardWebhookHeaders headers = Sign(Secret, Body);

        Assert.Equal(WebhookVerdict.Accepted, Create(new ManualClock(Now)).Verify(headers.Id, headers.Timestamp, headers.Signature, Body));
    }

    [Fact]
    public void Verify_secret_without_prefix_Accepted()
    {
        StandardWebhookHeaders headers = Sign(Secret, Body);
        StandardWebhookVerifier verifier = Create(new ManualClock(Now), null, Secret["whsec_".Length..]);

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(headers.Id, headers.Timestamp, headers.Signature, Body));
    }

    [Theory]
    [InlineData(false, true, true)]
    [InlineData(true, false, true)]
    [InlineData(true, true, false)]
    public void Verify_absent_header_MissingHeader(bool hasId, bool hasTimestamp, bool hasSignature)
    {
        StandardWebhookHeaders headers = Sign(Secret, Body);

        Assert.Equal(WebhookVerdict.MissingHeader, Create(new ManualClock(Now)).Verify(
            hasId ? headers.Id : null, hasTimestamp ? headers.Timestamp : null, hasSignature ? headers.Signature : null, Body));
    }

    [Theory]
    [InlineData("+5")]
    [InlineData("05")]
    [InlineData("5.0")]
    [InlineData("-1")]
    [InlineData("1763900000.5")]
    public void Verify_non_canonical_timestamp_Malformed(string timestamp)
    {
        StandardWebhookHeaders headers = Sign(Secret, Body);

        Assert.Equal(WebhookVerdict.Malformed, Create(new ManualClock(Now)).Verify(headers.Id, timestamp, headers.Signature, Body));
    }

    [Fact]
    public void Verify_white_space_only_id_MissingHeader()
    {
        StandardWebhookHeaders headers = Sign(Secret, Body);

        Assert.Equal(WebhookVerdict.MissingHeader, Create(new ManualClock(Now)).Verify("  ", headers.Timestamp, headers.Signature, Body));
    }

    [Theory]
    [InlineData("v2,AAAA")]
    [InlineData("v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v1,not-base64")]
    [InlineData("v1,AAAA")]
    [InlineData("V1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    public void Verify_no_usable_v1_entry_Malformed(string signature)
    {
        StandardWebhookHeaders headers = Sign(Secret, Body);

        Assert.Equal(WebhookVerdict.Malformed, Create(new ManualClock(Now)).Verify(headers.Id, headers.Timestamp, signature, Body));
    }

    [Theory]
    [InlineData(-301, WebhookVerdict.Stale)]
    [InlineData(-300, WebhookVerdict.Accepted)]
    [InlineData(-299, WebhookVerdict.Accepted)]
    [InlineData(299, WebhookVerdict.Accepted)]
    [InlineData(300, WebhookVerdict.Accepted)]
    [InlineData(301, WebhookVerdict.Future)]
    public void Verify_timestamp_offset_from_now_window_is_inclusive(long offset, WebhookVerdict expected)
    {
        StandardWebhookHeaders headers = Sign(Secret, Body, timestamp: Now + offset);

        Assert.Equal(expected, Create(new ManualClock(Now)).Verify(headers.Id, headers.Timestamp, headers.Signature, Body));
    }

    [Fact]
    public void Verify_headers_with_surrounding_white_space_Accepted()
    {
        StandardWebhookHeaders headers = Sign(Secret, Body);

        Assert.Equal(WebhookVerdict.Accepted, Create(new ManualClock(Now)).Verify(
            " " + headers.Id + "\t", " " + headers.Timestamp + " ", " " + headers.Signature + " ", Body));
    }

    [Fact]
    public void Verify_multiple_entries_unknown_versions_skipped_Accepted()
    {
        StandardWebhookHeaders headers = Sign(Secret, Body);
        StandardWebhookHeaders other = Sign(StandardWebhookSigner.GenerateSecret(), Body);
        string header = "v1a,ZmFrZQ== " + other.Signature + "  junk " + headers.Signature + " v2,abc";

        Assert.Equal(WebhookVerdict.Accepted, Create(new ManualClock(Now)).Verify(headers.Id, headers.Timestamp, header, Body));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(30)]
    public void Verify_many_entries_good_one_last_Accepted(int others)
    {
        StandardWebhookHeaders headers = Sign(Secret, Body);
        IEnumerable<string> wrong = Enumerable.Range(0, others).Select(_ => Sign(StandardWebhookSigner.GenerateSecret(), Body).Signature);

        Assert.Equal(WebhookVerdict.Accepted, Create(new ManualClock(Now)).Verify(headers.Id, headers.Timestamp, string.Join(' ', wrong.Append(headers.Signature)), Body));
    }

    [Theory]
    [InlineData("m")]
    [InlineData("msg_exactly_thirty_one_bytes_xx")]
    [InlineData("msg_exactly_thirty_two_bytes_xxx")]
    [InlineData("msg_a_much_longer_identifier_than_thirty_two_bytes_for_sure")]
    public void Verify_replay_detected_for_short_and_long_ids(string id)
    {
        StandardWebhookVerifier verifier = Create(new ManualClock(Now));
        StandardWebhookHeaders headers = Sign(Secret, Body, id: id);
        StandardWebhookHeaders prefixed = Sign(Secret, Body, id: id + "x");

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(headers.Id, headers.Timestamp, headers.Signature, Body));
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(prefixed.Id, prefixed.Timestamp, prefixed.Signature, Body));
        Assert.Equal(WebhookVerdict.Replay, verifier.Verify(headers.Id, headers.Timestamp, headers.Signature, Body));
    }

    [Fact]
    public void Verify_other_secret_Mismatch()
    {
        StandardWebhookHeaders headers = Sign(StandardWebhookSigner.GenerateSecret(), Body);

        Assert.Equal(WebhookVerdict.Mismatch, Create(new ManualClock(Now)).Verify(headers.Id, headers.Timestamp, headers.Signature, Body));
    }

    [Fact]
    public void Verify_signature_for_other_id_Mismatch()
    {
        StandardWebhookHeaders headers = Sign(Secret, Body, id: "msg_other");

        Assert.Equal(WebhookVerdict.Mismatch, Create(new ManualClock(Now)).Verify(Id, headers.Timestamp, headers.Signature, Body));
    }

    [Fact]
    public void Verify_rotation_second_secret_matches_Accepted()
    {
        string oldSecret = StandardWebhookSigner.GenerateSecret();
        StandardWebhookHeaders headers = Sign(oldSecret, Body);

        Assert.Equal(WebhookVerdict.Accepted, Create(new ManualClock(Now), null, Secret, oldSecret).Verify(headers.Id, headers.Timestamp, headers.Signature, Body));
    }

    [Fact]
    public void Verify_same_id_twice_Replay_even_with_other_timestamp()
    {
        StandardWebhookVerifier verifier = Create(new ManualClock(Now));
        StandardWebhookHeaders first = Sign(Secret, Body);
        StandardWebhookHeaders retry = Sign(Secret, Body, timestamp: Now + 5);

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(first.Id, first.Timestamp, first.Signature, Body));
        Assert.Equal(WebhookVerdict.Replay, verifier.Verify(first.Id, first.Timestamp, first.Signature, Body));
        Assert.Equal(WebhookVerdict.Replay, verifier.Verify(retry.Id, retry.Timestamp, retry.Signature, Body));
    }

    [Fact]
    public void Verify_mismatch_does_not_poison_replay_cache()
    {
        StandardWebhookVerifier verifier = Create(new ManualClock(Now));
        StandardWebhookHeaders headers = Sign(Secret, Body);
        StandardWebhookHeaders forged = Sign(StandardWebhookSigner.GenerateSecret(), Body);

        Assert.Equal(WebhookVerdict.Mismatch, verifier.Verify(forged.Id, forged.Timestamp, forged.Signature, Body));
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(headers.Id, headers.Timestamp, headers.Signature, Body));
    }

    [Fact]
    public void Verify_non_ascii_id_and_large_body_Accepted()
    {
        byte[] body = new byte[100_000];
        new Random(3).NextBytes(body);
        StandardWebhookHeaders headers = Sign(Secret, body, id: "msg_ñandú_🚚");

        Assert.Equal(WebhookVerdict.Accepted, Create(new ManualClock(Now)).Verify(headers.Id, headers.Timestamp, headers.Signature, body));
    }

    [Theory]
    [InlineData("whsec_")]
    [InlineData("whsec_not base64!")]
    [InlineData("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==")] // 22 bytes
    public void Constructor_bad_secret_throws(string secret)
    {
        Assert.Throws<ArgumentException>(() => Create(new ManualClock(Now), null, secret));
    }

    [Fact]
    public void Constructor_key_size_bounds_24_and_64_bytes_allowed_65_refused()
    {
        Assert.NotNull(Create(new ManualClock(Now), null, Convert.ToBase64String(new byte[24])));
        Assert.NotNull(Create(new ManualClock(Now), null, Convert.ToBase64String(new byte[64])));
        Assert.Throws<ArgumentException>(() => Create(new ManualClock(Now), null, Convert.ToBase64String(new byte[23])));
        Assert.Throws<ArgumentException>(() => Create(new ManualClock(Now), null, Convert.ToBase64String(new byte[65])));
    }

    [Fact]
    public void GenerateSecret_is_whsec_base64_of_32_bytes()
    {
        string secret = StandardWebhookSigner.GenerateSecret();

        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        Assert.NotEqual(secret, StandardWebhookSigner.GenerateSecret());
    }

    [Fact]
    public void Sign_without_id_and_timestamp_uses_new_id_and_clock()
    {
        var signer = new StandardWebhookSigner(Secret, new ManualClock(Now));
        StandardWebhookHeaders headers = signer.Sign(Body);

        Assert.StartsWith("msg_", headers.Id, StringComparison.Ordinal);
        Assert.Equal(Ts(Now), headers.Timestamp);
        byte[] key = Convert.FromBase64String(Secret["whsec_".Length..]);
        byte[] expected = HMACSHA256.HashData(key, (byte[])[.. Encoding.UTF8.GetBytes(headers.Id + "." + headers.Timestamp + "."), .. Body]);
        Assert.Equal("v1," + Convert.ToBase64String(expected), headers.Signature);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void Verify_accepted_deliveries_allocate_nothing(int bodyLength)
    {
        byte[] body = new byte[bodyLength];
        StandardWebhookHeaders headers = Sign(Secret, body);
        StandardWebhookVerifier verifier = Create(new ManualClock(Now), new NoReplayCache());
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(headers.Id, headers.Timestamp, headers.Signature, body));

        // Large bodies rent from ArrayPool.Shared, which a gen-2 GC (other tests run in parallel) may trim: the
        // steady state is what counts, so the best of three rounds must allocate nothing.
        long allocated = long.MaxValue;
        for (int round = 0; round < 3 && allocated != 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            int accepted = 0;
            for (int i = 0; i < 100; i++)
            {
                accepted += verifier.Verify(headers.Id, headers.Timestamp, headers.Signature, body) == WebhookVerdict.Accepted ? 1 : 0;
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(100, accepted);
        }

        Assert.Equal(0, allocated);
    }

    [Property(MaxTest = 200)]
    public bool Verify_any_flipped_body_or_signature_byte_fails(byte[]? body, int position, byte mask, bool flipSignature)
    {
        body ??= [];
        StandardWebhookVerifier verifier = Create(new ManualClock(Now), new NoReplayCache());
        StandardWebhookHeaders headers = Sign(Secret, body);
        if (verifier.Verify(headers.Id, headers.Timestamp, headers.Signature, body) != WebhookVerdict.Accepted)
        {
            return false;
        }

        byte bit = mask == 0 ? (byte)1 : mask;
        if (flipSignature || body.Length == 0)
        {
            byte[] signature = Convert.FromBase64String(headers.Signature[3..]);
            signature[(int)((uint)position % 32)] ^= bit;
            return verifier.Verify(headers.Id, headers.Timestamp, "v1," + Convert.ToBase64String(signature), body) == WebhookVerdict.Mismatch;
        }

        byte[] tampered = (byte[])body.Clone();
        tampered[(int)((uint)position % (uint)body.Length)] ^= bit;
        return verifier.Verify(headers.Id, headers.Timestamp, headers.Signature, tampered) == WebhookVerdict.Mismatch;
    }
}
