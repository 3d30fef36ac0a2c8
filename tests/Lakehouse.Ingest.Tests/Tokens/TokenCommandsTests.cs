using System.CommandLine;
using Lakehouse.Cli;

namespace Lakehouse.Ingest.Tests;

public sealed class TokenCommandsTests
{
    private const string Secret = "0123456789abcdef0123456789abcdef";
    private const long Now = 1_763_900_000;

    private static (int Code, string Output) Run(Func<TextWriter, TextWriter, int> verb)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = verb(output, error);
        return (code, (output + error.ToString()).Trim());
    }

    [Fact]
    public void CreateToken_then_VerifyToken_accepted_with_device()
    {
        (int createCode, string token) = Run((o, e) => TokenCommands.CreateToken("pi-store-102", "edge_uploader", 30, Secret, null, Now, o, e));
        (int verifyCode, string output) = Run((o, e) => TokenCommands.VerifyToken(token, Secret, "edge_uploader", null, Now + (29L * 86400), 30, o, e));

        Assert.Equal(0, createCode);
        Assert.Equal(0, verifyCode);
        Assert.StartsWith("accepted sub=pi-store-102 exp=2025-12-23", output, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyToken_after_lifetime_rejected_expired()
    {
        (_, string token) = Run((o, e) => TokenCommands.CreateToken("pi", "edge_uploader", 30, Secret, null, Now, o, e));

        Assert.Equal((1, "rejected expired"), Run((o, e) => TokenCommands.VerifyToken(token, Secret, "edge_uploader", null, Now + (31L * 86400), 30, o, e)));
    }

    [Fact]
    public void VerifyToken_wrong_secret_and_audience_rejected_with_reason()
    {
        (_, string token) = Run((o, e) => TokenCommands.CreateToken("pi", "edge_uploader", 30, Secret, "ingest", Now, o, e));

        Assert.Equal((1, "rejected bad_signature"), Run((o, e) => TokenCommands.VerifyToken(token, Secret + "x", "edge_uploader", null, Now, 30, o, e)));
        Assert.Equal((1, "rejected wrong_audience"), Run((o, e) => TokenCommands.VerifyToken(token, Secret, "edge_uploader", "publisher", Now, 30, o, e)));
        Assert.Equal(0, Run((o, e) => TokenCommands.VerifyToken(token, Secret, "edge_uploader", "ingest", Now, 30, o, e)).Code);
    }

    [Fact]
    public void CreateToken_short_secret_exit_2()
    {
        Assert.Equal(2, Run((o, e) => TokenCommands.CreateToken("pi", "edge_uploader", 30, "short", null, Now, o, e)).Code);
    }

    [Fact]
    public void VerifyToken_skew_over_60_exit_2()
    {
        Assert.Equal(2, Run((o, e) => TokenCommands.VerifyToken("a.b.c", Secret, "edge_uploader", null, Now, 61, o, e)).Code);
    }

    [Theory]
    [InlineData(EdgeTokenRefusal.BadAlgorithm, "bad_algorithm")]
    [InlineData(EdgeTokenRefusal.IssuedInFuture, "issued_in_future")]
    [InlineData(EdgeTokenRefusal.Malformed, "malformed")]
    public void SnakeCase_refusal_names(EdgeTokenRefusal refusal, string expected)
    {
        Assert.Equal(expected, TokenCommands.SnakeCase(refusal));
    }

    [Fact]
    public void Command_line_create_and_verify()
    {
        var root = new RootCommand { TokenCommands.Create() };
        using var created = new StringWriter();
        int createCode = root.Parse(["token", "create", "--name", "pi-5", "--role", "edge_uploader", "--days", "30", "--secret", Secret, "--now", "1763900000"])
            .Invoke(new InvocationConfiguration { Output = created });
        using var verified = new StringWriter();
        int verifyCode = root.Parse(["token", "verify", created.ToString().Trim(), "--secret", Secret, "--now", "1763900000", "--role", "edge_uploader"])
            .Invoke(new InvocationConfiguration { Output = verified });

        Assert.Equal(0, createCode);
        Assert.Equal(0, verifyCode);
        Assert.StartsWith("accepted sub=pi-5", verified.ToString(), StringComparison.Ordinal);
    }
}
