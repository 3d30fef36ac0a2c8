using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Lakehouse.Publisher.Notifications;

namespace Lakehouse.Publisher.Tests;

public sealed class WebhookSigningTests
{
    [Property(MaxTest = 200)]
    public bool Sign_verifies_and_any_flipped_body_byte_fails(NonEmptyArray<byte> body, PositiveInt flipAt, byte flipMask)
    {
        byte[] key = RandomNumberGenerator.GetBytes(32);
        byte[] bytes = body.Get;
        string signature = WebhookSigning.Sign(key, "msg_1", 1795000000, bytes);
        byte[] tampered = (byte[])bytes.Clone();
        tampered[flipAt.Get % tampered.Length] ^= (byte)(flipMask | 1);

        return Expected(key, bytes) == signature && Expected(key, tampered) != signature;
    }

    [Theory]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", true)]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", true)]
    [InlineData("whsec_AAAAAAAAAAAAAAAAAAAAAA==", false)] // 16 bytes: below the 24-byte minimum
    [InlineData("whsec_not base64!", false)]
    public void DecodeSecret_accepts_prefix_optional_24_to_64_byte_keys(string secret, bool valid) =>
        Assert.Equal(valid, WebhookSigning.DecodeSecret(secret) is not null);

    [Fact]
    public void Sign_matches_the_specification_example()
    {
        // The Standard Webhooks reference example (id, timestamp, body and secret from the specification's test vectors).
        byte[] key = WebhookSigning.DecodeSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")!;
        byte[] body = Encoding.UTF8.GetBytes("{\"test\": 2432232314}");

        string signature = WebhookSigning.Sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    private static string Expected(byte[] key, byte[] body) =>
        "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, (byte[])[.. Encoding.UTF8.GetBytes("msg_1.1795000000."), .. body]));
}
