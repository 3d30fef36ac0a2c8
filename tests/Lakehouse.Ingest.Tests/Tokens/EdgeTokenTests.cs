using System.Buffers.Text;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using FsCheck.Xunit;
using Microsoft.IdentityModel.Tokens;

namespace Lakehouse.Ingest.Tests;

public sealed class EdgeTokenTests
{
    private const string Secret = "a-shared-secret-of-at-least-32-bytes!!";
    private const long Now = 1_763_900_000;

    private static EdgeTokenValidator Validator(long now = Now, string? audience = null, TimeSpan? skew = null, TimeSpan? maxLifetime = null, string secret = Secret) =>
        new(new EdgeTokenOptions { Secret = secret, Audience = audience, ClockSkew = skew ?? TimeSpan.FromSeconds(30), MaxLifetime = maxLifetime }, new ManualClock(now));

    private static string B64(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    /// <summary>Builds a token by hand, so every header and claim can be wrong in its own way.</summary>
    private static string Craft(string payload, string header = """{"alg":"HS256","typ":"JWT"}""", string secret = Secret)
    {
        string signingInput = B64(header) + "." + B64(payload);
        byte[] signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    private static string Claims(string extra = "", long exp = Now + 3600, long iat = Now) =>
        "{\"sub\":\"pi-store-102\",\"role\":\"edge_uploader\",\"iat\":" + iat.ToString(CultureInfo.InvariantCulture)
        + ",\"exp\":" + exp.ToString(CultureInfo.InvariantCulture) + extra + "}";

    [Fact]
    public void Issue_then_Validate_accepted_with_device_name()
    {
        var clock = new ManualClock(Now);
        string token = new EdgeTokenIssuer(new EdgeTokenOptions { Secret = Secret }, clock).Issue("pi-store-102");

        EdgeTokenValidation result = new EdgeTokenValidator(new EdgeTokenOptions { Secret = Secret }, clock).Validate(token);

        Assert.True(result.IsValid, result.Refusal.ToString());
        Assert.Equal("pi-store-102", result.DeviceName);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(Now) + TimeSpan.FromDays(30), result.ExpiresAt);
    }

    [Fact]
    public void Issue_writes_contract_header_and_claims()
    {
        string token = new EdgeTokenIssuer(new EdgeTokenOptions { Secret = Secret, Audience = "lakehouse-ingest" }, new ManualClock(Now))
            .Issue("pi-7", TimeSpan.FromHours(1));
        var jwt = new JsonWebToken(token);

        Assert.Equal("HS256", jwt.Alg);
        Assert.Equal("pi-7", jwt.Subject);
        Assert.Equal("edge_uploader", jwt.GetPayloadValue<string>("role"));
        Assert.Equal(Now, jwt.GetPayloadValue<long>("iat"));
        Assert.Equal(Now + 3600, jwt.GetPayloadValue<long>("exp"));
        Assert.Equal("lakehouse-ingest", jwt.GetPayloadValue<string>("aud"));
    }

    [Fact]
    public async Task Issue_token_passes_the_library_validation_too()
    {
        string token = new EdgeTokenIssuer(new EdgeTokenOptions { Secret = Secret }, TimeProvider.System).Issue("pi-1");
        var parameters = new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Secret)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = false,
            ValidateAudience = false,
            RequireExpirationTime = true,
        };

        TokenValidationResult result = await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters);

        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public void Validate_token_made_by_the_library_accepted()
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", "pi-9"), new Claim("role", "edge_uploader")]),
            IssuedAt = DateTimeOffset.FromUnixTimeSeconds(Now).UtcDateTime,
            NotBefore = DateTimeOffset.FromUnixTimeSeconds(Now).UtcDateTime,
            Expires = DateTimeOffset.FromUnixTimeSeconds(Now + 600).UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Secret)), SecurityAlgorithms.HmacSha256),
        };
        string token = new JsonWebTokenHandler().CreateToken(descriptor);

        EdgeTokenValidation result = Validator().Validate(token);

        Assert.True(result.IsValid, result.Refusal.ToString());
        Assert.Equal("pi-9", result.DeviceName);
    }

    [Fact]
    public void Validate_short_secret_token_validated_exactly()
    {
        // Issuing refuses short secrets, but tokens signed with one still validate by the contract.
        string token = Craft(Claims(), secret: "short");

        Assert.True(Validator(secret: "short").Validate(token).IsValid);
        Assert.Equal(EdgeTokenRefusal.BadSignature, Validator(secret: "shorT").Validate(token).Refusal);
    }

    [Fact]
    public void Issue_short_secret_throws()
    {
        Assert.Throws<ArgumentException>(() => new EdgeTokenIssuer(new EdgeTokenOptions { Secret = "too-short" }));
    }

    [Theory]
    [InlineData("""{"alg":"none","typ":"JWT"}""")]
    [InlineData("""{"alg":"None"}""")]
    [InlineData("""{"alg":"HS384","typ":"JWT"}""")]
    [InlineData("""{"alg":"HS512"}""")]
    [InlineData("""{"alg":"RS256","typ":"JWT"}""")]
    [InlineData("""{"alg":"ES256"}""")]
    [InlineData("""{"alg":"hs256"}""")]
    [InlineData("""{"alg":"HS256 "}""")]
    [InlineData("""{"typ":"JWT"}""")]
    public void Validate_other_algorithm_BadAlgorithm(string header)
    {
        // Signed with HMAC-SHA256 under the right key anyway: the header alone must refuse it.
        Assert.Equal(EdgeTokenRefusal.BadAlgorithm, Validator().Validate(Craft(Claims(), header)).Refusal);
    }

    [Fact]
    public void Validate_alg_none_with_empty_signature_refused()
    {
        string token = B64("""{"alg":"none"}""") + "." + B64(Claims()) + ".";

        Assert.False(Validator().Validate(token).IsValid);
    }

    [Fact]
    public void Validate_rs256_token_signed_with_secret_as_hmac_BadAlgorithm()
    {
        // Algorithm confusion: an attacker HMACs with a known "public key" string and labels it RS256.
        Assert.Equal(EdgeTokenRefusal.BadAlgorithm, Validator().Validate(Craft(Claims(), """{"alg":"RS256"}""")).Refusal);
    }

    [Theory]
    [InlineData("""{"alg":"HS256","crit":["exp"]}""")]
    [InlineData("""{"alg":"HS256","crit":[]}""")]
    [InlineData("""{"alg":"HS256","b64":false,"crit":["b64"]}""")]
    public void Validate_crit_header_CriticalHeader(string header)
    {
        Assert.Equal(EdgeTokenRefusal.CriticalHeader, Validator().Validate(Craft(Claims(), header)).Refusal);
    }

    [Fact]
    public void Validate_other_secret_BadSignature()
    {
        Assert.Equal(EdgeTokenRefusal.BadSignature, Validator().Validate(Craft(Claims(), secret: "another-secret-another-secret-123")).Refusal);
    }

    [Fact]
    public void Validate_tampered_payload_BadSignature()
    {
        string token = Craft(Claims());
        string[] parts = token.Split('.');
        string forged = parts[0] + "." + B64(Claims().Replace("pi-store-102", "pi-store-999", StringComparison.Ordinal)) + "." + parts[2];

        Assert.Equal(EdgeTokenRefusal.BadSignature, Validator().Validate(forged).Refusal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData("a.b.c.d.e")]
    [InlineData("..")]
    [InlineData("!!!.###.$$$")]
    public void Validate_not_three_base64url_segments_Malformed(string? token)
    {
        Assert.Equal(EdgeTokenRefusal.Malformed, Validator().Validate(token).Refusal);
    }

    [Fact]
    public void Validate_padded_or_standard_base64_segments_Malformed()
    {
        string token = Craft(Claims());
        string[] parts = token.Split('.');

        Assert.Equal(EdgeTokenRefusal.Malformed, Validator().Validate(parts[0] + "=." + parts[1] + "." + parts[2]).Refusal);
        Assert.Equal(EdgeTokenRefusal.Malformed, Validator().Validate(parts[0] + "." + parts[1] + "." + parts[2] + "=").Refusal);
        Assert.Equal(EdgeTokenRefusal.Malformed, Validator().Validate(parts[0] + "." + parts[1] + "." + parts[2][..^1] + "+").Refusal);
        Assert.Equal(EdgeTokenRefusal.Malformed, Validator().Validate(parts[0] + "." + parts[1] + "." + parts[2][..20]).Refusal);
        Assert.Equal(EdgeTokenRefusal.Malformed, Validator().Validate(" " + token).Refusal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("\"string\"")]
    [InlineData("{\"sub\":\"a\",\"sub\":\"b\",\"role\":\"edge_uploader\",\"exp\":1763903600}")]
    public void Validate_payload_not_a_json_object_Malformed(string payload)
    {
        Assert.Equal(EdgeTokenRefusal.Malformed, Validator().Validate(Craft(payload)).Refusal);
    }

    [Fact]
    public void Validate_duplicate_alg_header_Malformed()
    {
        Assert.Equal(EdgeTokenRefusal.Malformed, Validator().Validate(Craft(Claims(), """{"alg":"none","alg":"HS256"}""")).Refusal);
    }

    [Fact]
    public void Validate_missing_exp_MissingExpiry()
    {
        Assert.Equal(EdgeTokenRefusal.MissingExpiry, Validator().Validate(Craft("""{"sub":"pi","role":"edge_uploader","iat":1763900000}""")).Refusal);
    }

    [Theory]
    [InlineData("\"1763903600\"")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("[1763903600]")]
    [InlineData("1e400")]
    [InlineData("{}")]
    public void Validate_exp_not_a_number_Malformed(string exp)
    {
        string payload = "{\"sub\":\"pi\",\"role\":\"edge_uploader\",\"exp\":" + exp + "}";

        Assert.Equal(EdgeTokenRefusal.Malformed, Validator().Validate(Craft(payload)).Refusal);
    }

    [Fact]
    public void Validate_fractional_exp_accepted()
    {
        Assert.True(Validator().Validate(Craft("""{"sub":"pi","role":"edge_uploader","exp":1763903600.5}""")).IsValid);
    }

    [Theory]
    [InlineData(-31, EdgeTokenRefusal.Expired)]
    [InlineData(-30, EdgeTokenRefusal.Expired)]
    [InlineData(-29, EdgeTokenRefusal.None)]
    [InlineData(-1, EdgeTokenRefusal.None)]
    [InlineData(0, EdgeTokenRefusal.None)]
    public void Validate_exp_relative_to_now_within_skew_accepted(long expOffset, EdgeTokenRefusal expected)
    {
        // exp is exclusive (RFC 7519): refused from exp + skew on.
        Assert.Equal(expected, Validator().Validate(Craft(Claims(exp: Now + expOffset, iat: Now - 3600))).Refusal);
    }

    [Fact]
    public void Validate_long_expired_Expired()
    {
        Assert.Equal(EdgeTokenRefusal.Expired, Validator().Validate(Craft(Claims(exp: Now - 86400, iat: Now - 90000))).Refusal);
    }

    [Fact]
    public void Validate_skew_is_configurable_up_to_60_seconds()
    {
        string token = Craft(Claims(exp: Now - 45, iat: Now - 3600));

        Assert.Equal(EdgeTokenRefusal.Expired, Validator().Validate(token).Refusal);
        Assert.True(Validator(skew: TimeSpan.FromSeconds(60)).Validate(token).IsValid);
        Assert.Equal(EdgeTokenRefusal.Expired, Validator(skew: TimeSpan.Zero).Validate(Craft(Claims(exp: Now, iat: Now - 60))).Refusal);
        Assert.Throws<ArgumentException>(() => Validator(skew: TimeSpan.FromSeconds(61)));
        Assert.Throws<ArgumentException>(() => Validator(skew: TimeSpan.FromSeconds(-1)));
    }

    [Theory]
    [InlineData(31, EdgeTokenRefusal.NotYetValid)]
    [InlineData(30, EdgeTokenRefusal.None)]
    [InlineData(0, EdgeTokenRefusal.None)]
    [InlineData(-100, EdgeTokenRefusal.None)]
    public void Validate_nbf_relative_to_now(long nbfOffset, EdgeTokenRefusal expected)
    {
        string extra = ",\"nbf\":" + (Now + nbfOffset).ToString(CultureInfo.InvariantCulture);

        Assert.Equal(expected, Validator().Validate(Craft(Claims(extra, iat: Now - 100))).Refusal);
    }

    [Fact]
    public void Validate_nbf_as_string_Malformed()
    {
        Assert.Equal(EdgeTokenRefusal.Malformed, Validator().Validate(Craft(Claims(",\"nbf\":\"0\""))).Refusal);
    }

    [Theory]
    [InlineData(31, EdgeTokenRefusal.IssuedInFuture)]
    [InlineData(3600, EdgeTokenRefusal.IssuedInFuture)]
    [InlineData(30, EdgeTokenRefusal.None)]
    [InlineData(-30, EdgeTokenRefusal.None)]
    public void Validate_iat_relative_to_now(long iatOffset, EdgeTokenRefusal expected)
    {
        Assert.Equal(expected, Validator().Validate(Craft(Claims(exp: Now + 7200, iat: Now + iatOffset))).Refusal);
    }

    [Fact]
    public void Validate_without_iat_accepted()
    {
        Assert.True(Validator().Validate(Craft("""{"sub":"pi","role":"edge_uploader","exp":1763903600}""")).IsValid);
    }

    [Theory]
    [InlineData(",\"role\":\"admin\"")]
    [InlineData(",\"role\":\"Edge_Uploader\"")]
    [InlineData(",\"role\":\"edge_uploader \"")]
    [InlineData(",\"role\":[\"edge_uploader\"]")]
    [InlineData(",\"role\":null")]
    [InlineData("")]
    public void Validate_role_not_exactly_edge_uploader_WrongRole(string role)
    {
        string payload = "{\"sub\":\"pi\",\"exp\":1763903600" + role + "}";

        Assert.Equal(EdgeTokenRefusal.WrongRole, Validator().Validate(Craft(payload)).Refusal);
    }

    [Theory]
    [InlineData(",\"sub\":\"\"")]
    [InlineData(",\"sub\":\"   \"")]
    [InlineData(",\"sub\":42")]
    [InlineData(",\"sub\":null")]
    [InlineData("")]
    public void Validate_sub_missing_or_blank_MissingSubject(string sub)
    {
        string payload = "{\"role\":\"edge_uploader\",\"exp\":1763903600" + sub + "}";

        Assert.Equal(EdgeTokenRefusal.MissingSubject, Validator().Validate(Craft(payload)).Refusal);
    }

    [Fact]
    public void Validate_aud_ignored_when_not_configured()
    {
        Assert.True(Validator().Validate(Craft(Claims(",\"aud\":\"somewhere-else\""))).IsValid);
    }

    [Theory]
    [InlineData(",\"aud\":\"lakehouse\"", EdgeTokenRefusal.None)]
    [InlineData(",\"aud\":[\"other\",\"lakehouse\"]", EdgeTokenRefusal.None)]
    [InlineData(",\"aud\":\"Lakehouse\"", EdgeTokenRefusal.WrongAudience)]
    [InlineData(",\"aud\":[\"other\"]", EdgeTokenRefusal.WrongAudience)]
    [InlineData("", EdgeTokenRefusal.WrongAudience)]
    public void Validate_aud_checked_when_configured(string aud, EdgeTokenRefusal expected)
    {
        Assert.Equal(expected, Validator(audience: "lakehouse").Validate(Craft(Claims(aud))).Refusal);
    }

    [Theory]
    [InlineData("""{"alg":["HS256"]}""", "{}", EdgeTokenRefusal.BadAlgorithm)]
    [InlineData("""{"alg":"HS256"}""", """{"sub":"pi","role":"edge_uploader","exp":1763903600,"aud":42}""", EdgeTokenRefusal.WrongAudience)]
    [InlineData("""{"alg":"HS256","typ":42}""", """{"sub":"pi","role":"edge_uploader","exp":1763903600,"aud":"lakehouse"}""", EdgeTokenRefusal.Malformed)]
    public void Validate_registered_member_of_wrong_json_type_refused(string header, string payload, EdgeTokenRefusal expected)
    {
        Assert.Equal(expected, Validator(audience: "lakehouse").Validate(Craft(payload, header)).Refusal);
    }

    [Fact]
    public void Validate_max_lifetime_only_when_configured()
    {
        string token = Craft(Claims(exp: Now + (400L * 86400)));

        Assert.True(Validator().Validate(token).IsValid);
        Assert.Equal(EdgeTokenRefusal.LifetimeTooLong, Validator(maxLifetime: TimeSpan.FromDays(90)).Validate(token).Refusal);
    }

    [Fact]
    public void Validate_refusal_order_signature_before_claims()
    {
        // An expired token with a bad signature reports the signature: claims of a forged token are not read.
        Assert.Equal(EdgeTokenRefusal.BadSignature, Validator().Validate(Craft(Claims(exp: Now - 1000), secret: "x")).Refusal);
    }

    [Property(MaxTest = 300)]
    public bool Validate_any_changed_character_refused_without_throwing(int position, char replacement)
    {
        string token = Craft(Claims());
        int index = (int)((uint)position % (uint)token.Length);
        if (token[index] == replacement)
        {
            return true;
        }

        string tampered = string.Concat(token.AsSpan(0, index), [replacement], token.AsSpan(index + 1));
        EdgeTokenValidation result = Validator().Validate(tampered);
        return !result.IsValid && result.DeviceName is null;
    }

    [Property(MaxTest = 300)]
    public bool Validate_arbitrary_text_refused_without_throwing(string? text) => !Validator().Validate(text).IsValid;
}
