using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Lakehouse.Ingest;

namespace Lakehouse.Benchmarks.Ingest;

/// <summary>
/// Webhook verification against the raw HMAC a hand-written check would compute over the same bytes.
/// The replay cache is a no-op so each iteration verifies the same delivery afresh.
/// </summary>
[MemoryDiagnoser]
public class WebhookVerificationBenchmarks
{
    private const long Now = 1_763_900_000;
    private const string Secret = "odoo-shared-secret";
    private byte[] _key = [];
    private byte[] _signedContent = [];
    private byte[] _body = [];
    private byte[] _digest = new byte[32];
    private string _timestamp = "";
    private string _ipaiSignature = "";
    private StandardWebhookHeaders _standardHeaders;
    private IpaiWebhookVerifier _ipai = null!;
    private StandardWebhookVerifier _standard = null!;

    /// <summary>Body size in bytes.</summary>
    [Params(1024, 65536)]
    public int BodyBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _body = new byte[BodyBytes];
        new Random(42).NextBytes(_body);
        _timestamp = Now.ToString(CultureInfo.InvariantCulture);
        _key = Encoding.UTF8.GetBytes(Secret);
        _signedContent = [.. Encoding.ASCII.GetBytes(_timestamp + "."), .. _body];
        _ipaiSignature = IpaiWebhookSigner.Sign(Secret, _timestamp, _body);
        var clock = new StoppedClock(DateTimeOffset.FromUnixTimeSeconds(Now));

        var ipaiOptions = new WebhookVerificationOptions();
        ipaiOptions.Secrets.Add(Secret);
        _ipai = new IpaiWebhookVerifier(ipaiOptions, new ForgetfulCache(), clock);

        string standardSecret = "whsec_" + Convert.ToBase64String(Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef"));
        var standardOptions = new WebhookVerificationOptions();
        standardOptions.Secrets.Add(standardSecret);
        _standard = new StandardWebhookVerifier(standardOptions, new ForgetfulCache(), clock);
        _standardHeaders = new StandardWebhookSigner(standardSecret).Sign(_body, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", Now);
    }

    [Benchmark(Baseline = true, Description = "HMACSHA256.HashData (raw)")]
    public int RawHmac() => HMACSHA256.HashData(_key, _signedContent, _digest);

    [Benchmark(Description = "IpaiWebhookVerifier.Verify")]
    public WebhookVerdict Ipai() => _ipai.Verify(_timestamp, _ipaiSignature, _body);

    [Benchmark(Description = "StandardWebhookVerifier.Verify")]
    public WebhookVerdict Standard() => _standard.Verify(_standardHeaders.Id, _standardHeaders.Timestamp, _standardHeaders.Signature, _body);

    private sealed class StoppedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class ForgetfulCache : IWebhookReplayCache
    {
        public bool TryRecord(ReadOnlySpan<byte> identity, DateTimeOffset now, TimeSpan retention) => true;
    }
}
