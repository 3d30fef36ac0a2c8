using System.CommandLine;
using System.Text;
using Lakehouse.Cli;

namespace Lakehouse.Ingest.Tests;

public sealed class WebhookCommandsTests
{
    private const long Now = 1_763_900_000;
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"event_type":"partner.updated","aggregate_type":"res.partner","aggregate_id":7,"payload":{}}""");

    private static (int Code, string Output) Run(Func<TextWriter, TextWriter, int> verb)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = verb(output, error);
        return (code, output + error.ToString());
    }

    private static Dictionary<string, string> Headers(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(": ", 2))
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);

    [Fact]
    public void Sign_ipai_prints_both_headers_that_verify()
    {
        (int code, string output) = Run((o, e) => WebhookCommands.Sign("ipai", "s3cret", Body, "1763900000", null, new ManualClock(0), o, e));
        Dictionary<string, string> headers = Headers(output);

        Assert.Equal(0, code);
        Assert.Equal("1763900000", headers["x-ipai-timestamp"]);
        Assert.Equal(IpaiWebhookSigner.Sign("s3cret", Now, Body), headers["x-ipai-signature"]);
    }

    [Fact]
    public void Sign_without_timestamp_uses_clock()
    {
        (_, string output) = Run((o, e) => WebhookCommands.Sign("ipai", "s3cret", Body, null, null, new ManualClock(Now), o, e));

        Assert.Equal("1763900000", Headers(output)["x-ipai-timestamp"]);
    }

    [Fact]
    public void Sign_standard_prints_three_headers()
    {
        string secret = StandardWebhookSigner.GenerateSecret();
        (int code, string output) = Run((o, e) => WebhookCommands.Sign("standard", secret, Body, "1763900000", "msg_1", new ManualClock(0), o, e));
        Dictionary<string, string> headers = Headers(output);

        Assert.Equal(0, code);
        Assert.Equal("msg_1", headers["webhook-id"]);
        Assert.Equal("1763900000", headers["webhook-timestamp"]);
        Assert.Equal(new StandardWebhookSigner(secret).Sign(Body, "msg_1", Now).Signature, headers["webhook-signature"]);
    }

    [Fact]
    public void Sign_standard_bad_secret_exit_2()
    {
        (int code, string output) = Run((o, e) => WebhookCommands.Sign("standard", "whsec_short", Body, "1", "msg", new ManualClock(0), o, e));

        Assert.Equal(2, code);
        Assert.Contains("bytes", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L, 0, "accepted")]
    [InlineData(300L, 0, "accepted")]
    [InlineData(301L, 1, "stale")]
    [InlineData(-301L, 1, "future")]
    public void Verify_ipai_prints_verdict_and_exit_code(long nowOffset, int expectedCode, string expectedVerdict)
    {
        string signature = IpaiWebhookSigner.Sign("s3cret", Now, Body);
        (int code, string output) = Run((o, e) => WebhookCommands.Verify("ipai", ["s3cret"], Body, "1763900000", signature, null, Now + nowOffset, o, e));

        Assert.Equal(expectedCode, code);
        Assert.Equal(expectedVerdict, output.Trim());
    }

    [Fact]
    public void Verify_ipai_rotation_second_secret_accepted_and_other_mismatch()
    {
        string signature = IpaiWebhookSigner.Sign("old", Now, Body);

        Assert.Equal((0, "accepted"), Trim(Run((o, e) => WebhookCommands.Verify("ipai", ["new", "old"], Body, "1763900000", signature, null, Now, o, e))));
        Assert.Equal((1, "mismatch"), Trim(Run((o, e) => WebhookCommands.Verify("ipai", ["new"], Body, "1763900000", signature, null, Now, o, e))));
    }

    [Theory]
    [InlineData(null, "abc")]
    [InlineData("1763900000", null)]
    public void Verify_missing_option_missing_header(string? timestamp, string? signature)
    {
        Assert.Equal((1, "missing_header"), Trim(Run((o, e) => WebhookCommands.Verify("ipai", ["s"], Body, timestamp, signature, null, Now, o, e))));
    }

    [Fact]
    public void Verify_standard_missing_id_missing_header_and_signed_accepted()
    {
        string secret = StandardWebhookSigner.GenerateSecret();
        StandardWebhookHeaders headers = new StandardWebhookSigner(secret).Sign(Body, "msg_9", Now);

        Assert.Equal((1, "missing_header"), Trim(Run((o, e) => WebhookCommands.Verify("standard", [secret], Body, headers.Timestamp, headers.Signature, null, Now, o, e))));
        Assert.Equal((0, "accepted"), Trim(Run((o, e) => WebhookCommands.Verify("standard", [secret], Body, headers.Timestamp, headers.Signature, "msg_9", Now, o, e))));
    }

    [Fact]
    public void Command_line_verify_repeatable_secret_and_raw_body_file()
    {
        string path = Path.GetTempFileName();
        try
        {
            byte[] body = [0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}', (byte)'\r', (byte)'\n']; // BOM and CRLF kept as sent
            File.WriteAllBytes(path, body);
            string signature = IpaiWebhookSigner.Sign("old", Now, body);
            var root = new RootCommand { WebhookCommands.Create() };
            using var output = new StringWriter();

            int code = root.Parse(["webhook", "verify", "--scheme", "ipai", "--secret", "new", "--secret", "old", "--body-file", path,
                "--timestamp", "1763900000", "--signature", "sha256=" + signature, "--now", "1763900100"])
                .Invoke(new InvocationConfiguration { Output = output });

            Assert.Equal(0, code);
            Assert.Equal("accepted", output.ToString().Trim());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Command_line_verify_negative_timestamp_malformed()
    {
        string path = Path.GetTempFileName();
        try
        {
            var root = new RootCommand { WebhookCommands.Create() };
            using var output = new StringWriter();

            int code = root.Parse(["webhook", "verify", "--secret", "s", "--body-file", path, "--timestamp", "-1", "--signature", new string('a', 64)])
                .Invoke(new InvocationConfiguration { Output = output });

            Assert.Equal(1, code);
            Assert.Equal("malformed", output.ToString().Trim());
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (int, string) Trim((int Code, string Output) result) => (result.Code, result.Output.Trim());
}
