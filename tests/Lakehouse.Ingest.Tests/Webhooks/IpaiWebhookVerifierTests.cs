using System.Globalization;
using System.Text;
using FsCheck.Xunit;

namespace Lakehouse.Ingest.Tests;

public sealed class IpaiWebhookVerifierTests
{
    private const string Secret = "odoo-shared-secret";
    private const long Now = 1_763_900_000;
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"event_type":"stock.moved","aggregate_type":"stock.move","aggregate_id":42,"payload":{"qty":3}}""");

    private static IpaiWebhookVerifier Create(ManualClock clock, IWebhookReplayCache? cache = null, params string[] secrets)
    {
        var options = new WebhookVerificationOptions();
        foreach (string secret in secrets.Length == 0 ? [Secret] : secrets)
        {
            options.Secrets.Add(secret);
        }

        return new IpaiWebhookVerifier(options, cache, clock);
    }

    private static string Ts(long seconds) => seconds.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void Verify_signed_delivery_Accepted()
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));
        string signature = IpaiWebhookSigner.Sign(Secret, Now, Body);

        Assert.Matches("^[0-9a-f]{64}$", signature);
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Ts(Now), signature, Body));
    }

    [Fact]
    public void Sign_known_vector_matches_hmac_of_timestamp_dot_body()
    {
        // Independent computation with the framework's HMAC over the concatenated bytes.
        byte[] content = Encoding.UTF8.GetBytes("1700000000.{}");
        string expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes("k"), content));

        Assert.Equal(expected, IpaiWebhookSigner.Sign("k", "1700000000", "{}"u8));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void Verify_absent_header_MissingHeader(bool hasTimestamp, bool hasSignature)
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));
        string? timestamp = hasTimestamp ? Ts(Now) : null;
        string? signature = hasSignature ? IpaiWebhookSigner.Sign(Secret, Now, Body) : null;

        Assert.Equal(WebhookVerdict.MissingHeader, verifier.Verify(timestamp, signature, Body));
    }

    [Fact]
    public void Verify_absent_header_with_garbage_other_header_MissingHeader_first()
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));

        Assert.Equal(WebhookVerdict.MissingHeader, verifier.Verify("not-a-number", null, Body));
    }

    [Theory]
    [InlineData("+5")]
    [InlineData("05")]
    [InlineData("00")]
    [InlineData("5.0")]
    [InlineData("-1")]
    [InlineData("1e9")]
    [InlineData("0x10")]
    [InlineData("5 5")]
    [InlineData("1763900000,1763900000")]
    [InlineData("\u0661\u0662\u0663")] // Arabic-Indic digits
    [InlineData("\uFF11\uFF12")] // full-width digits
    public void Verify_non_canonical_timestamp_Malformed(string timestamp)
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));
        string signature = IpaiWebhookSigner.Sign(Secret, timestamp, Body);

        Assert.Equal(WebhookVerdict.Malformed, verifier.Verify(timestamp, signature, Body));
    }

    [Theory]
    [InlineData(" 1763900000")]
    [InlineData("1763900000 ")]
    [InlineData("\t1763900000\r\n")]
    public void Verify_timestamp_with_surrounding_white_space_is_trimmed_and_Accepted(string header)
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));
        string signature = IpaiWebhookSigner.Sign(Secret, Now, Body);

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(header, "  " + signature + "\t", Body));
    }

    [Fact]
    public void Verify_zero_timestamp_is_canonical_and_Stale()
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));

        Assert.Equal(WebhookVerdict.Stale, verifier.Verify("0", IpaiWebhookSigner.Sign(Secret, "0", Body), Body));
    }

    [Fact]
    public void Verify_zero_timestamp_at_epoch_Accepted()
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(0));

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify("0", IpaiWebhookSigner.Sign(Secret, "0", Body), Body));
    }

    [Theory]
    [InlineData("9223372036854775807")]
    [InlineData("9223372036854775808")]
    [InlineData("99999999999999999999999999999999999999999999999999999999999999999999999999999999")]
    public void Verify_canonical_timestamp_beyond_range_Future(string timestamp)
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));

        Assert.Equal(WebhookVerdict.Future, verifier.Verify(timestamp, IpaiWebhookSigner.Sign(Secret, timestamp, Body), Body));
    }

    [Theory]
    [InlineData(-301, WebhookVerdict.Stale)]
    [InlineData(-300, WebhookVerdict.Accepted)]
    [InlineData(-299, WebhookVerdict.Accepted)]
    [InlineData(0, WebhookVerdict.Accepted)]
    [InlineData(299, WebhookVerdict.Accepted)]
    [InlineData(300, WebhookVerdict.Accepted)]
    [InlineData(301, WebhookVerdict.Future)]
    public void Verify_timestamp_offset_from_now_window_is_inclusive(long offset, WebhookVerdict expected)
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));
        long timestamp = Now + offset;

        Assert.Equal(expected, verifier.Verify(Ts(timestamp), IpaiWebhookSigner.Sign(Secret, timestamp, Body), Body));
    }

    [Fact]
    public void Verify_sub_second_clock_uses_whole_seconds()
    {
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(Now).AddMilliseconds(999));
        IpaiWebhookVerifier verifier = Create(clock);

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Ts(Now - 300), IpaiWebhookSigner.Sign(Secret, Now - 300, Body), Body));
    }

    [Fact]
    public void Verify_stale_and_wrong_signature_Stale_before_Mismatch()
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));

        Assert.Equal(WebhookVerdict.Stale, verifier.Verify(Ts(Now - 1000), new string('a', 64), Body));
        Assert.Equal(WebhookVerdict.Future, verifier.Verify(Ts(Now + 1000), new string('a', 64), Body));
    }

    [Fact]
    public void Verify_malformed_signature_and_stale_Malformed_first()
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));

        Assert.Equal(WebhookVerdict.Malformed, verifier.Verify(Ts(Now - 1000), "nothing-usable", Body));
    }

    [Fact]
    public void Verify_upper_case_hex_Accepted()
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Ts(Now), IpaiWebhookSigner.Sign(Secret, Now, Body).ToUpperInvariant(), Body));
    }

    [Fact]
    public void Verify_sha256_prefix_Accepted()
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Ts(Now), "sha256=" + IpaiWebhookSigner.Sign(Secret, Now, Body), Body));
    }

    [Theory]
    [InlineData("SHA256={0}")]
    [InlineData("sha1={0}")]
    [InlineData("sha256:{0}")]
    [InlineData("{0}0")]
    [InlineData("v1={0}")]
    public void Verify_only_entry_of_another_shape_Malformed(string format)
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));
        string entry = string.Format(CultureInfo.InvariantCulture, format, IpaiWebhookSigner.Sign(Secret, Now, Body));

        Assert.Equal(WebhookVerdict.Malformed, verifier.Verify(Ts(Now), entry, Body));
    }

    [Theory]
    [InlineData(",,")]
    [InlineData("sha256=")]
    [InlineData("zz")]
    public void Verify_signature_without_usable_entry_Malformed(string signature)
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));

        Assert.Equal(WebhookVerdict.Malformed, verifier.Verify(Ts(Now), signature, Body));
    }

    [Fact]
    public void Verify_comma_splits_entries_so_v1_comma_hex_Accepted()
    {
        // Commas separate entries: "v1" is ignored and the hex after it is an entry of its own.
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Ts(Now), "v1," + IpaiWebhookSigner.Sign(Secret, Now, Body), Body));
    }

    [Fact]
    public void Verify_63_hex_digits_Malformed()
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));

        Assert.Equal(WebhookVerdict.Malformed, verifier.Verify(Ts(Now), IpaiWebhookSigner.Sign(Secret, Now, Body)[..63], Body));
    }

    [Theory]
    [InlineData("{1},{0}")]
    [InlineData("{1} {0}")]
    [InlineData("{1}, sha256={0}")]
    [InlineData("garbage,,v1=xyz\t{0}\n{1}")]
    [InlineData("sha256={1},\r\n SHA256=nope, sha256={0}")]
    [InlineData("{1}\u00A0x {0}")]
    public void Verify_multiple_entries_one_good_Accepted(string format)
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));
        string good = IpaiWebhookSigner.Sign(Secret, Now, Body);
        string other = IpaiWebhookSigner.Sign("another-secret", Now, Body);
        string header = string.Format(CultureInfo.InvariantCulture, format, good, other);

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Ts(Now), header, Body));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(40)]
    public void Verify_many_entries_good_one_last_Accepted(int others)
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));
        IEnumerable<string> wrong = Enumerable.Range(0, others).Select(i => IpaiWebhookSigner.Sign("other-" + i, Now, Body));
        string header = string.Join(", ", wrong.Append(IpaiWebhookSigner.Sign(Secret, Now, Body)));

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Ts(Now), header, Body));
        Assert.Equal(WebhookVerdict.Mismatch, verifier.Verify(Ts(Now + 1), string.Join(", ", wrong), Body));
    }

    [Fact]
    public void Verify_well_formed_entries_none_matching_Mismatch()
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));
        string header = IpaiWebhookSigner.Sign("another-secret", Now, Body) + ", garbage";

        Assert.Equal(WebhookVerdict.Mismatch, verifier.Verify(Ts(Now), header, Body));
    }

    [Fact]
    public void Verify_signature_over_other_timestamp_Mismatch()
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));

        Assert.Equal(WebhookVerdict.Mismatch, verifier.Verify(Ts(Now), IpaiWebhookSigner.Sign(Secret, Now - 1, Body), Body));
    }

    [Fact]
    public void Verify_rotation_second_secret_matches_Accepted()
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now), null, "new-secret", Secret);

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Ts(Now), IpaiWebhookSigner.Sign(Secret, Now, Body), Body));
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Ts(Now + 1), IpaiWebhookSigner.Sign("new-secret", Now + 1, Body), Body));
        Assert.Equal(WebhookVerdict.Mismatch, verifier.Verify(Ts(Now + 2), IpaiWebhookSigner.Sign("retired", Now + 2, Body), Body));
    }

    [Fact]
    public void Verify_rotation_replay_under_other_secret_Replay()
    {
        // The identity is timestamp + body, whichever active secret signed it.
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now), null, "new-secret", Secret);

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Ts(Now), IpaiWebhookSigner.Sign(Secret, Now, Body), Body));
        Assert.Equal(WebhookVerdict.Replay, verifier.Verify(Ts(Now), IpaiWebhookSigner.Sign("new-secret", Now, Body), Body));
    }

    [Fact]
    public void Verify_non_ascii_secret_uses_utf8_key()
    {
        const string secret = "sikreto-ñ-🔑";
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now), null, secret);

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Ts(Now), IpaiWebhookSigner.Sign(secret, Now, Body), Body));
    }

    [Fact]
    public void Verify_second_identical_delivery_Replay()
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));
        string signature = IpaiWebhookSigner.Sign(Secret, Now, Body);

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Ts(Now), signature, Body));
        Assert.Equal(WebhookVerdict.Replay, verifier.Verify(Ts(Now), signature, Body));
        Assert.Equal(WebhookVerdict.Replay, verifier.Verify(" " + Ts(Now), "sha256=" + signature.ToUpperInvariant(), Body));
    }

    [Fact]
    public void Verify_same_body_other_timestamp_is_not_a_replay()
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Ts(Now), IpaiWebhookSigner.Sign(Secret, Now, Body), Body));
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Ts(Now + 1), IpaiWebhookSigner.Sign(Secret, Now + 1, Body), Body));
    }

    [Fact]
    public void Verify_mismatch_does_not_poison_replay_cache()
    {
        var cache = new InMemoryWebhookReplayCache();
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now), cache);

        Assert.Equal(WebhookVerdict.Mismatch, verifier.Verify(Ts(Now), new string('0', 64), Body));
        Assert.Equal(0, cache.Count);
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Ts(Now), IpaiWebhookSigner.Sign(Secret, Now, Body), Body));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void Verify_replay_at_far_edge_of_window_still_Replay()
    {
        // Accepted as early as possible (timestamp 300 s ahead), replayed as late as possible (300 s behind).
        var clock = new ManualClock(Now - 300);
        IpaiWebhookVerifier verifier = Create(clock);
        string signature = IpaiWebhookSigner.Sign(Secret, Now, Body);

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Ts(Now), signature, Body));
        clock.Now = DateTimeOffset.FromUnixTimeSeconds(Now + 300).AddMilliseconds(999);
        Assert.Equal(WebhookVerdict.Replay, verifier.Verify(Ts(Now), signature, Body));
        clock.SetUnixSeconds(Now + 301);
        Assert.Equal(WebhookVerdict.Stale, verifier.Verify(Ts(Now), signature, Body));
    }

    [Fact]
    public void Verify_shared_cache_across_verifiers_Replay()
    {
        var cache = new InMemoryWebhookReplayCache();
        var clock = new ManualClock(Now);
        string signature = IpaiWebhookSigner.Sign(Secret, Now, Body);

        Assert.Equal(WebhookVerdict.Accepted, Create(clock, cache).Verify(Ts(Now), signature, Body));
        Assert.Equal(WebhookVerdict.Replay, Create(clock, cache).Verify(Ts(Now), signature, Body));
    }

    [Fact]
    public void Verify_large_body_pooled_path_Accepted()
    {
        byte[] body = new byte[200_000];
        new Random(7).NextBytes(body);
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));
        string signature = IpaiWebhookSigner.Sign(Secret, Now, body);

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Ts(Now), signature, body));
        body[^1] ^= 1;
        Assert.Equal(WebhookVerdict.Mismatch, verifier.Verify(Ts(Now + 1), IpaiWebhookSigner.Sign(Secret, Now + 1, body.AsSpan(0, 10)), body));
    }

    [Fact]
    public void Verify_empty_body_Accepted()
    {
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now));

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Ts(Now), IpaiWebhookSigner.Sign(Secret, Now, []), []));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1024)]
    [InlineData(65536)]
    public void Verify_accepted_deliveries_allocate_nothing(int bodyLength)
    {
        byte[] body = new byte[bodyLength];
        new Random(bodyLength).NextBytes(body);
        string timestamp = Ts(Now);
        string signature = "sha256=" + IpaiWebhookSigner.Sign("older", Now, body) + ", " + IpaiWebhookSigner.Sign(Secret, Now, body);
        var cache = new NoReplayCache();
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now), cache, "newer", Secret);
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(timestamp, signature, body)); // warm up

        // Large bodies rent from ArrayPool.Shared, which a gen-2 GC (other tests run in parallel) may trim: the
        // steady state is what counts, so the best of three rounds must allocate nothing.
        long allocated = long.MaxValue;
        for (int round = 0; round < 3 && allocated != 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            int accepted = 0;
            for (int i = 0; i < 100; i++)
            {
                accepted += verifier.Verify(timestamp, signature, body) == WebhookVerdict.Accepted ? 1 : 0;
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(100, accepted);
        }

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Verify_with_in_memory_cache_allocates_nothing_once_warm()
    {
        const int deliveries = 500;
        string[] timestamps = new string[deliveries];
        string[] signatures = new string[deliveries];
        for (int i = 0; i < deliveries; i++)
        {
            timestamps[i] = Ts(Now - 250 + i);
            signatures[i] = IpaiWebhookSigner.Sign(Secret, timestamps[i], Body);
        }

        var verifier = Create(new ManualClock(Now), new InMemoryWebhookReplayCache(capacity: 1000));
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Ts(Now + 290), IpaiWebhookSigner.Sign(Secret, Now + 290, Body), Body));

        long before = GC.GetAllocatedBytesForCurrentThread();
        int accepted = 0;
        for (int i = 0; i < deliveries; i++)
        {
            accepted += verifier.Verify(timestamps[i], signatures[i], Body) == WebhookVerdict.Accepted ? 1 : 0;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(deliveries, accepted);
        Assert.Equal(0, allocated);
    }

    [Property(MaxTest = 200)]
    public bool Verify_any_flipped_body_byte_fails(byte[]? body, int position, byte mask)
    {
        body ??= [];
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now), new NoReplayCache());
        string signature = IpaiWebhookSigner.Sign(Secret, Now, body);
        if (verifier.Verify(Ts(Now), signature, body) != WebhookVerdict.Accepted)
        {
            return false;
        }

        if (body.Length == 0)
        {
            return verifier.Verify(Ts(Now), signature, [mask]) == WebhookVerdict.Mismatch;
        }

        byte[] tampered = (byte[])body.Clone();
        tampered[(int)((uint)position % (uint)body.Length)] ^= mask == 0 ? (byte)1 : mask;
        return verifier.Verify(Ts(Now), signature, tampered) == WebhookVerdict.Mismatch;
    }

    [Property(MaxTest = 200)]
    public bool Verify_any_flipped_signature_byte_fails(byte[]? body, int position, byte mask)
    {
        body ??= [];
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now), new NoReplayCache());
        byte[] digest = Convert.FromHexString(IpaiWebhookSigner.Sign(Secret, Now, body));
        digest[(int)((uint)position % 32)] ^= mask == 0 ? (byte)0x80 : mask;

        return verifier.Verify(Ts(Now), Convert.ToHexStringLower(digest), body) == WebhookVerdict.Mismatch;
    }

    [Property(MaxTest = 200)]
    public bool Verify_any_changed_timestamp_character_fails(byte[]? body, int position, char replacement)
    {
        body ??= [];
        IpaiWebhookVerifier verifier = Create(new ManualClock(Now), new NoReplayCache());
        string timestamp = Ts(Now);
        string signature = IpaiWebhookSigner.Sign(Secret, timestamp, body);
        int index = (int)((uint)position % (uint)timestamp.Length);
        if (timestamp[index] == replacement || char.IsWhiteSpace(replacement))
        {
            return true;
        }

        string tampered = string.Concat(timestamp.AsSpan(0, index), [replacement], timestamp.AsSpan(index + 1));
        return verifier.Verify(tampered, signature, body) != WebhookVerdict.Accepted;
    }

    [Fact]
    public void Constructor_without_secret_throws()
    {
        Assert.Throws<ArgumentException>(() => new IpaiWebhookVerifier(new WebhookVerificationOptions()));
    }

    [Fact]
    public void Constructor_retention_shorter_than_twice_tolerance_throws()
    {
        var options = new WebhookVerificationOptions { ReplayRetention = TimeSpan.FromSeconds(599) };
        options.Secrets.Add(Secret);

        ArgumentException error = Assert.Throws<ArgumentException>(() => new IpaiWebhookVerifier(options));
        Assert.Contains("ReplayRetention", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_custom_tolerance_applies()
    {
        var options = new WebhookVerificationOptions { Tolerance = TimeSpan.FromSeconds(10), ReplayRetention = TimeSpan.FromSeconds(20) };
        options.Secrets.Add(Secret);
        var verifier = new IpaiWebhookVerifier(options, null, new ManualClock(Now));

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Ts(Now - 10), IpaiWebhookSigner.Sign(Secret, Now - 10, Body), Body));
        Assert.Equal(WebhookVerdict.Stale, verifier.Verify(Ts(Now - 11), IpaiWebhookSigner.Sign(Secret, Now - 11, Body), Body));
    }

    [Theory]
    [InlineData(WebhookVerdict.Accepted, "accepted")]
    [InlineData(WebhookVerdict.MissingHeader, "missing_header")]
    [InlineData(WebhookVerdict.Malformed, "malformed")]
    [InlineData(WebhookVerdict.Stale, "stale")]
    [InlineData(WebhookVerdict.Future, "future")]
    [InlineData(WebhookVerdict.Mismatch, "mismatch")]
    [InlineData(WebhookVerdict.Replay, "replay")]
    public void ToSnakeCase_each_verdict_wire_name(WebhookVerdict verdict, string expected)
    {
        Assert.Equal(expected, verdict.ToSnakeCase());
    }
}
