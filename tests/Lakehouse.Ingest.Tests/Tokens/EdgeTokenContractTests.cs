using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Lakehouse.Ingest.Tests;

/// <summary>
/// DESIGN.md "Edge-device token", clause by clause, with adversarial tokens crafted by hand (so every header,
/// claim and encoding can be wrong in its own way); decisions where DESIGN.md is silent are in the README.
/// </summary>
public sealed class EdgeTokenContractTests
{
    private const string Secret = "edge-secret-for-the-contract-tests-0123";
    private const long Now = 1_763_900_000;
    private const string Header = """{"alg":"HS256","typ":"JWT"}""";

    private static EdgeTokenValidator Validator(string? audience = null, TimeSpan? skew = null, string secret = Secret, double nowOffsetSeconds = 0) =>
        new(new EdgeTokenOptions { Secret = secret, Audience = audience, ClockSkew = skew ?? TimeSpan.FromSeconds(30) },
            new ManualClock(DateTimeOffset.FromUnixTimeSeconds(Now).AddSeconds(nowOffsetSeconds)));

    private static string B64(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    private static string SignSegments(string header, string payload, string secret = Secret)
    {
        string signingInput = header + "." + payload;
        byte[] signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    private static string Craft(string payload, string header = Header, string secret = Secret) => SignSegments(B64(header), B64(payload), secret);

    private static string N(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Payload(string extra = "", string exp = "1763903600") =>
        "{\"sub\":\"pi-store-102\",\"role\":\"edge_uploader\",\"iat\":1763900000,\"exp\":" + exp + extra + "}";

    private static EdgeTokenRefusal Refusal(string token, EdgeTokenValidator? validator = null) => (validator ?? Validator()).Validate(token).Refusal;

    [Fact]
    public void Validate_well_formed_token_accepted()
    {
        EdgeTokenValidation result = Validator().Validate(Craft(Payload()));

        Assert.True(result.IsValid);
        Assert.Equal("pi-store-102", result.DeviceName);
    }

    // Rule: "HS256 only (any other alg, none included, is refused)".
    [Theory]
    [InlineData("""{"alg":"none"}""")]
    [InlineData("""{"alg":"NONE"}""")]
    [InlineData("""{"alg":""}""")]
    [InlineData("""{"alg":null}""")]
    [InlineData("""{"alg":"HS256\u0000"}""")]
    [InlineData("""{"alg":"HS384"}""")]
    [InlineData("""{"alg":"HS512"}""")]
    [InlineData("""{"alg":"RS256"}""")]
    [InlineData("""{"alg":"PS256"}""")]
    [InlineData("""{"alg":"ES256"}""")]
    [InlineData("""{"alg":"EdDSA"}""")]
    [InlineData("""{"alg":"dir","enc":"A256GCM"}""")]
    [InlineData("""{"alg":"Hs256"}""")]
    [InlineData("""{"alg":" HS256"}""")]
    [InlineData("""{"alg":"HS2560"}""")]
    [InlineData("""{"alg":"http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"}""")]
    [InlineData("""{"alg":"\uFF28S256"}""")]
    [InlineData("""{"typ":"JWT"}""")]
    [InlineData("""{}""")]
    public void Validate_alg_other_than_HS256_BadAlgorithm(string header)
    {
        Assert.Equal(EdgeTokenRefusal.BadAlgorithm, Refusal(Craft(Payload(), header)));
    }

    [Fact]
    public void Validate_unknown_header_members_ignored()
    {
        Assert.Equal(EdgeTokenRefusal.None, Refusal(Craft(Payload(), """{"alg":"HS256","alg2":"none","typ":"JWT","kid":"k","x5u":"http://x"}""")));
    }

    [Theory]
    [InlineData("""{"alg":123}""")]
    [InlineData("""{"alg":["HS256"]}""")]
    [InlineData("""{"alg":{"name":"HS256"}}""")]
    [InlineData("""{"alg":true}""")]
    public void Validate_alg_not_a_string_refused(string header)
    {
        Assert.False(Validator().Validate(Craft(Payload(), header)).IsValid);
    }

    // Rule: an escaped spelling of "HS256" is the same JSON string.
    [Fact]
    public void Validate_alg_with_json_escapes_for_HS256_accepted()
    {
        Assert.Equal(EdgeTokenRefusal.None, Refusal(Craft(Payload(), """{"alg":"\u0048S256"}""")));
    }

    // Rule: "so is a crit header" — whatever its value.
    [Theory]
    [InlineData("""{"alg":"HS256","crit":["exp"]}""")]
    [InlineData("""{"alg":"HS256","crit":[]}""")]
    [InlineData("""{"alg":"HS256","crit":null}""")]
    [InlineData("""{"alg":"HS256","crit":"b64"}""")]
    [InlineData("""{"alg":"HS256","b64":false,"crit":["b64"]}""")]
    [InlineData("""{"crit":["x"],"alg":"HS256"}""")]
    public void Validate_crit_header_refused(string header)
    {
        EdgeTokenRefusal refusal = Refusal(Craft(Payload(), header));

        Assert.True(refusal is EdgeTokenRefusal.CriticalHeader or EdgeTokenRefusal.Malformed, refusal.ToString());
    }

    // Decision: typ is not part of the contract; any string typ is accepted, a typ of another JSON type is malformed.
    [Theory]
    [InlineData("""{"alg":"HS256"}""", EdgeTokenRefusal.None)]
    [InlineData("""{"alg":"HS256","typ":"JWT"}""", EdgeTokenRefusal.None)]
    [InlineData("""{"alg":"HS256","typ":"jwt"}""", EdgeTokenRefusal.None)]
    [InlineData("""{"alg":"HS256","typ":"at+jwt"}""", EdgeTokenRefusal.None)]
    [InlineData("""{"alg":"HS256","typ":"JOSE"}""", EdgeTokenRefusal.None)]
    [InlineData("""{"alg":"HS256","typ":""}""", EdgeTokenRefusal.None)]
    [InlineData("""{"alg":"HS256","typ":42}""", EdgeTokenRefusal.Malformed)]
    [InlineData("""{"alg":"HS256","typ":null}""", EdgeTokenRefusal.Malformed)]
    [InlineData("""{"alg":"HS256","typ":["JWT"]}""", EdgeTokenRefusal.Malformed)]
    public void Validate_typ_header(string header, EdgeTokenRefusal expected)
    {
        Assert.Equal(expected, Refusal(Craft(Payload(), header)));
    }

    // Rule: "key = UTF-8 bytes of the secret".
    [Theory]
    [InlineData("short")]
    [InlineData("sécret-ñ-日本-🔑-long-enough-or-not")]
    [InlineData(" padded secret ")]
    public void Validate_key_is_utf8_bytes_of_secret(string secret)
    {
        string token = Craft(Payload(), secret: secret);

        Assert.Equal(EdgeTokenRefusal.None, Refusal(token, Validator(secret: secret)));
        Assert.Equal(EdgeTokenRefusal.BadSignature, Refusal(token, Validator(secret: secret.Trim() + "x")));
        string latin1 = SignSegments(B64(Header), B64(Payload()), Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(secret)));
        Assert.Equal(secret.All(char.IsAscii) ? EdgeTokenRefusal.None : EdgeTokenRefusal.BadSignature, Refusal(latin1, Validator(secret: secret)));
    }

    // Rule: a JWS in compact form is exactly three base64url segments, unpadded and canonical (RFC 7515 §2, §7.1);
    // a JWE (five parts) or anything else is malformed.
    [Fact]
    public void Validate_structure_and_encoding_violations_Malformed()
    {
        string token = Craft(Payload());
        string[] p = token.Split('.');
        string[] bad =
        [
            p[0] + "." + p[1] + "." + p[2] + ".",
            p[0] + "." + p[1] + "." + p[2] + "." + p[2],
            p[0] + "." + p[1] + "." + p[2] + ".x.y", // five parts, like a JWE
            B64("""{"alg":"dir","enc":"A256GCM"}""") + "..AAAA.BBBB.CCCC", // a real-looking JWE
            p[0] + ".." + p[2],
            "." + p[1] + "." + p[2],
            p[0] + "." + p[1],
            p[0] + "=." + p[1] + "." + p[2],
            p[0] + "." + p[1] + "==." + p[2],
            p[0] + "." + p[1] + "." + p[2] + "=",
            p[0] + " ." + p[1] + "." + p[2],
            p[0] + "." + p[1] + "." + p[2] + "\n",
            "Bearer " + token,
            p[0].Replace('-', '+').Replace('_', '/') + "." + p[1].Replace('-', '+').Replace('_', '/') + "." + p[2].Replace('-', '+').Replace('_', '/'),
        ];

        foreach (string candidate in bad.Where(b => b != token))
        {
            Assert.Equal(EdgeTokenRefusal.Malformed, Refusal(candidate));
        }
    }

    // Rule: base64url must be canonical: a last character carrying non-zero unused bits is another spelling of the
    // same bytes and is refused, in the header and payload as well as the signature (even when correctly signed).
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Validate_non_canonical_base64url_segment_Malformed_even_when_signed(int segment)
    {
        // Pick a header/payload whose encoded length leaves unused bits in the last character.
        string header = Enumerable.Range(1, 3).Select(n => "{\"alg\":\"HS256\",\"kid\":\"" + new string('k', n) + "\"}").First(j => B64(j).Length % 4 != 0);
        string payload = Enumerable.Range(1, 3).Select(n => Payload(",\"x\":\"" + new string('a', n) + "\"")).First(j => B64(j).Length % 4 != 0);

        string h = B64(header);
        string pl = B64(payload);
        string token = SignSegments(h, pl);
        Assert.Equal(EdgeTokenRefusal.None, Refusal(token));

        if (segment == 2)
        {
            string sig = token.Split('.')[2];
            string tamperedSig = sig[..^1] + NonCanonical(sig[^1]);
            Assert.Equal(EdgeTokenRefusal.Malformed, Refusal(h + "." + pl + "." + tamperedSig));
            return;
        }

        string target = segment == 0 ? h : pl;
        string altered = target[..^1] + NonCanonical(target[^1]);
        Assert.Equal(Convert.FromBase64String(ToPadded(target)), Convert.FromBase64String(ToPadded(altered))); // lenient decoders agree
        string resigned = segment == 0 ? SignSegments(altered, pl) : SignSegments(h, altered);
        Assert.Equal(EdgeTokenRefusal.Malformed, Refusal(resigned));
    }

    private static string ToPadded(string base64Url)
    {
        string standard = base64Url.Replace('-', '+').Replace('_', '/');
        return standard + new string('=', (4 - (standard.Length % 4)) % 4);
    }

    private static char NonCanonical(char last)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        return Alphabet[Alphabet.IndexOf(last, StringComparison.Ordinal) | 1];
    }

    // Rule: header and payload are JSON objects; a duplicate member is ambiguous and refused (RFC 7515 §5.2 / 7519 §4).
    [Theory]
    [InlineData("""{"alg":"HS256","alg":"HS256"}""", null)]
    [InlineData(Header, """{"sub":"a","sub":"b","role":"edge_uploader","exp":1763903600}""")]
    [InlineData(Header, """{"sub":"a","role":"admin","role":"edge_uploader","exp":1763903600}""")]
    [InlineData(Header, """{"sub":"a","role":"edge_uploader","exp":1,"exp":1763903600}""")]
    [InlineData(Header, """{"sub":"a","role":"edge_uploader","exp":1763903600,"\u0065xp":1763903600}""")]
    [InlineData(Header, """{"sub":"a","role":"edge_uploader","exp":1763903600,"x":{"y":1,"y":2}}""")]
    [InlineData(Header, """{"sub":"a","sub":"a","role":"edge_uploader","exp":1763903600}""")]
    public void Validate_duplicate_member_Malformed(string header, string? payload)
    {
        EdgeTokenRefusal refusal = Refusal(Craft(payload ?? Payload(), header));

        // A nested duplicate inside an unknown claim is harmless: decided to accept it (only top-level names matter).
        EdgeTokenRefusal expected = payload is not null && payload.Contains("\"x\":{", StringComparison.Ordinal) ? EdgeTokenRefusal.None : EdgeTokenRefusal.Malformed;
        Assert.Equal(expected, refusal);
    }

    [Theory]
    [InlineData("{\"sub\":\"pi\",\"role\":\"edge_uploader\",\"exp\":1763903600,}")]
    [InlineData("{\"sub\":\"pi\",\"role\":\"edge_uploader\",\"exp\":1763903600} x")]
    [InlineData("{\"sub\":\"pi\",/*c*/\"role\":\"edge_uploader\",\"exp\":1763903600}")]
    [InlineData("{'sub':'pi','role':'edge_uploader','exp':1763903600}")]
    [InlineData("{\"sub\":\"pi\",\"role\":\"edge_uploader\",\"exp\":01763903600}")]
    [InlineData("{\"sub\":\"pi\",\"role\":\"edge_uploader\",\"exp\":NaN}")]
    [InlineData("null")]
    [InlineData("")]
    public void Validate_payload_not_strict_json_object_Malformed(string payload)
    {
        Assert.Equal(EdgeTokenRefusal.Malformed, Refusal(Craft(payload)));
    }

    [Fact]
    public void Validate_payload_with_invalid_utf8_or_lone_surrogate_refused_without_throwing()
    {
        string h = B64(Header);
        byte[] invalid = [.. Encoding.UTF8.GetBytes("{\"sub\":\"pi"), 0xFF, .. Encoding.UTF8.GetBytes("\",\"role\":\"edge_uploader\",\"exp\":1763903600}")];
        Assert.Equal(EdgeTokenRefusal.Malformed, Refusal(SignSegments(h, Base64Url.EncodeToString(invalid))));
        Assert.Equal(EdgeTokenRefusal.Malformed, Refusal(Craft("""{"sub":"pi\ud800","role":"edge_uploader","exp":1763903600}""")));
        Assert.Equal(EdgeTokenRefusal.Malformed, Refusal(Craft("""{"sub":"\udc00pi","role":"edge_uploader","exp":1763903600}""")));
        Assert.False(Validator().Validate(Craft("""{"sub":"pi","role":"edge_uploader\ud800","exp":1763903600}""")).IsValid);
        Assert.False(Validator(audience: "a").Validate(Craft("""{"sub":"pi","role":"edge_uploader","exp":1763903600,"aud":"\ud800"}""")).IsValid);
        _ = Validator().Validate(Craft(Payload(), """{"alg":"HS256","kid":"\ud800"}""")); // an unused member: judged or not, no exception
    }

    // Rule: "exp (required, a number)" — a NumericDate is a JSON number, possibly non-integer (RFC 7519 §2).
    [Theory]
    [InlineData("\"1763903600\"", EdgeTokenRefusal.Malformed)]
    [InlineData("\"\"", EdgeTokenRefusal.Malformed)]
    [InlineData("null", EdgeTokenRefusal.Malformed)]
    [InlineData("false", EdgeTokenRefusal.Malformed)]
    [InlineData("{}", EdgeTokenRefusal.Malformed)]
    [InlineData("[1763903600]", EdgeTokenRefusal.Malformed)]
    [InlineData("1763903600", EdgeTokenRefusal.None)]
    [InlineData("1763903600.999", EdgeTokenRefusal.None)]
    [InlineData("1.7639036e9", EdgeTokenRefusal.None)]
    [InlineData("17639036E2", EdgeTokenRefusal.None)]
    [InlineData("1763903600.0", EdgeTokenRefusal.None)]
    [InlineData("32503680000", EdgeTokenRefusal.None)] // year 3000
    [InlineData("9223372036854775807", EdgeTokenRefusal.None)]
    [InlineData("99999999999999999999", EdgeTokenRefusal.None)]
    [InlineData("1e300", EdgeTokenRefusal.None)]
    [InlineData("1e400", EdgeTokenRefusal.Malformed)] // beyond a double: decided not a usable NumericDate
    [InlineData("0", EdgeTokenRefusal.Expired)]
    [InlineData("-1", EdgeTokenRefusal.Expired)]
    [InlineData("-1e300", EdgeTokenRefusal.Expired)]
    [InlineData("-0", EdgeTokenRefusal.Expired)]
    [InlineData("1763899969.9", EdgeTokenRefusal.Expired)]
    [InlineData("1763899970.1", EdgeTokenRefusal.None)]
    public void Validate_exp_must_be_a_json_number(string exp, EdgeTokenRefusal expected)
    {
        Assert.Equal(expected, Refusal(Craft(Payload(exp: exp))));
    }

    [Fact]
    public void Validate_missing_exp_MissingExpiry()
    {
        Assert.Equal(EdgeTokenRefusal.MissingExpiry, Refusal(Craft("""{"sub":"pi","role":"edge_uploader","iat":1763900000}""")));
    }

    // Rule: "exp/nbf checked with a clock skew of at most 60 s (default 30 s)"; exp is exclusive (RFC 7519 §4.1.4).
    [Theory]
    [InlineData(30, -30.001, EdgeTokenRefusal.Expired)]
    [InlineData(30, -30, EdgeTokenRefusal.Expired)]
    [InlineData(30, -29.999, EdgeTokenRefusal.None)]
    [InlineData(0, 0, EdgeTokenRefusal.Expired)]
    [InlineData(0, 0.001, EdgeTokenRefusal.None)]
    [InlineData(60, -60, EdgeTokenRefusal.Expired)]
    [InlineData(60, -59.5, EdgeTokenRefusal.None)]
    public void Validate_exp_with_skew(int skewSeconds, double expOffset, EdgeTokenRefusal expected)
    {
        string token = Craft("{\"sub\":\"pi\",\"role\":\"edge_uploader\",\"exp\":" + N(Now + expOffset) + "}");

        Assert.Equal(expected, Refusal(token, Validator(skew: TimeSpan.FromSeconds(skewSeconds))));
    }

    [Theory]
    [InlineData(30, 30.5, EdgeTokenRefusal.NotYetValid)]
    [InlineData(30, 30, EdgeTokenRefusal.None)]
    [InlineData(0, 0.5, EdgeTokenRefusal.NotYetValid)]
    [InlineData(0, 0, EdgeTokenRefusal.None)]
    [InlineData(60, 60, EdgeTokenRefusal.None)]
    [InlineData(60, 61, EdgeTokenRefusal.NotYetValid)]
    public void Validate_nbf_with_skew(int skewSeconds, double nbfOffset, EdgeTokenRefusal expected)
    {
        string token = Craft(Payload(",\"nbf\":" + N(Now + nbfOffset)));

        Assert.Equal(expected, Refusal(token, Validator(skew: TimeSpan.FromSeconds(skewSeconds))));
    }

    [Theory]
    [InlineData("\"1763900000\"")]
    [InlineData("null")]
    [InlineData("true")]
    public void Validate_nbf_or_iat_not_a_number_Malformed(string value)
    {
        Assert.Equal(EdgeTokenRefusal.Malformed, Refusal(Craft("{\"sub\":\"pi\",\"role\":\"edge_uploader\",\"exp\":1763903600,\"nbf\":" + value + "}")));
        Assert.Equal(EdgeTokenRefusal.Malformed, Refusal(Craft("{\"sub\":\"pi\",\"role\":\"edge_uploader\",\"exp\":1763903600,\"iat\":" + value + "}")));
    }

    // Rule: "an iat further in the future than the skew is refused".
    [Theory]
    [InlineData(30, 30.001, EdgeTokenRefusal.IssuedInFuture)]
    [InlineData(30, 30, EdgeTokenRefusal.None)]
    [InlineData(0, 1, EdgeTokenRefusal.IssuedInFuture)]
    [InlineData(60, 60, EdgeTokenRefusal.None)]
    [InlineData(60, 60.5, EdgeTokenRefusal.IssuedInFuture)]
    [InlineData(30, -86400 * 365, EdgeTokenRefusal.None)]
    public void Validate_iat_in_future_beyond_skew(int skewSeconds, double iatOffset, EdgeTokenRefusal expected)
    {
        string token = Craft("{\"sub\":\"pi\",\"role\":\"edge_uploader\",\"exp\":1763990000,\"iat\":" + N(Now + iatOffset) + "}");

        Assert.Equal(expected, Refusal(token, Validator(skew: TimeSpan.FromSeconds(skewSeconds))));
    }

    [Theory]
    [InlineData(61)]
    [InlineData(3600)]
    [InlineData(-1)]
    public void Options_skew_outside_0_to_60_seconds_throws(int seconds)
    {
        Assert.ThrowsAny<ArgumentException>(() => Validator(skew: TimeSpan.FromSeconds(seconds)));
    }

    // Rule: "role: edge_uploader (exactly that string)".
    [Theory]
    [InlineData("\"edge_uploader\"", EdgeTokenRefusal.None)]
    [InlineData("\"edge_\\u0075ploader\"", EdgeTokenRefusal.None)] // the same JSON string
    [InlineData("\"EDGE_UPLOADER\"", EdgeTokenRefusal.WrongRole)]
    [InlineData("\" edge_uploader\"", EdgeTokenRefusal.WrongRole)]
    [InlineData("\"edge_uploader\\u0000\"", EdgeTokenRefusal.WrongRole)]
    [InlineData("\"edge-uploader\"", EdgeTokenRefusal.WrongRole)]
    [InlineData("\"edge_uploader,admin\"", EdgeTokenRefusal.WrongRole)]
    [InlineData("\"service_role\"", EdgeTokenRefusal.WrongRole)]
    [InlineData("\"\"", EdgeTokenRefusal.WrongRole)]
    [InlineData("[\"edge_uploader\"]", EdgeTokenRefusal.WrongRole)]
    [InlineData("{\"name\":\"edge_uploader\"}", EdgeTokenRefusal.WrongRole)]
    [InlineData("1", EdgeTokenRefusal.WrongRole)]
    [InlineData("null", EdgeTokenRefusal.WrongRole)]
    public void Validate_role_exactly_edge_uploader(string role, EdgeTokenRefusal expected)
    {
        Assert.Equal(expected, Refusal(Craft("{\"sub\":\"pi\",\"exp\":1763903600,\"role\":" + role + "}")));
    }

    // Rule: "sub (device name, non-empty)"; decision: white space alone is not a name.
    [Theory]
    [InlineData("\"pi-store-102\"", EdgeTokenRefusal.None)]
    [InlineData("\"x\"", EdgeTokenRefusal.None)]
    [InlineData("\" pi \"", EdgeTokenRefusal.None)]
    [InlineData("\"\"", EdgeTokenRefusal.MissingSubject)]
    [InlineData("\" \"", EdgeTokenRefusal.MissingSubject)]
    [InlineData("\"\\t\\n\"", EdgeTokenRefusal.MissingSubject)]
    [InlineData("\"\\u00a0\"", EdgeTokenRefusal.MissingSubject)]
    [InlineData("42", EdgeTokenRefusal.MissingSubject)]
    [InlineData("{}", EdgeTokenRefusal.MissingSubject)]
    [InlineData("null", EdgeTokenRefusal.MissingSubject)]
    [InlineData("[\"pi\"]", EdgeTokenRefusal.MissingSubject)]
    public void Validate_sub_non_empty_string(string sub, EdgeTokenRefusal expected)
    {
        Assert.Equal(expected, Refusal(Craft("{\"role\":\"edge_uploader\",\"exp\":1763903600,\"sub\":" + sub + "}")));
    }

    // Rule: "aud is checked only when one is configured"; aud may be a string or an array of strings (RFC 7519 §4.1.3).
    [Theory]
    [InlineData(null, "", EdgeTokenRefusal.None)]
    [InlineData(null, ",\"aud\":\"anything\"", EdgeTokenRefusal.None)]
    [InlineData(null, ",\"aud\":[\"a\",\"b\"]", EdgeTokenRefusal.None)]
    [InlineData(null, ",\"aud\":[]", EdgeTokenRefusal.None)]
    [InlineData("lakehouse", ",\"aud\":\"lakehouse\"", EdgeTokenRefusal.None)]
    [InlineData("lakehouse", ",\"aud\":[\"lakehouse\"]", EdgeTokenRefusal.None)]
    [InlineData("lakehouse", ",\"aud\":[\"x\",\"lakehouse\",\"y\"]", EdgeTokenRefusal.None)]
    [InlineData("lakehouse", "", EdgeTokenRefusal.WrongAudience)]
    [InlineData("lakehouse", ",\"aud\":[]", EdgeTokenRefusal.WrongAudience)]
    [InlineData("lakehouse", ",\"aud\":\"\"", EdgeTokenRefusal.WrongAudience)]
    [InlineData("lakehouse", ",\"aud\":\"Lakehouse\"", EdgeTokenRefusal.WrongAudience)]
    [InlineData("lakehouse", ",\"aud\":\"lakehouse \"", EdgeTokenRefusal.WrongAudience)]
    [InlineData("lakehouse", ",\"aud\":\"lakehouse,other\"", EdgeTokenRefusal.WrongAudience)]
    [InlineData("lakehouse", ",\"aud\":[[\"lakehouse\"]]", EdgeTokenRefusal.WrongAudience)]
    [InlineData("lakehouse", ",\"aud\":null", EdgeTokenRefusal.WrongAudience)]
    public void Validate_aud_only_when_configured(string? audience, string aud, EdgeTokenRefusal expected)
    {
        EdgeTokenRefusal refusal = Refusal(Craft(Payload(aud)), Validator(audience: audience));

        // A malformed aud (null, nested array) may also be reported as Malformed; either way it is refused.
        if (expected == EdgeTokenRefusal.WrongAudience && refusal == EdgeTokenRefusal.Malformed)
        {
            return;
        }

        Assert.Equal(expected, refusal);
    }

    // Rule: refusal order — structure, header, signature, then claims; a forged token's claims are never judged.
    [Fact]
    public void Validate_refusal_order()
    {
        string expiredWrongRole = "{\"sub\":\"pi\",\"role\":\"admin\",\"exp\":1}";

        Assert.Equal(EdgeTokenRefusal.BadAlgorithm, Refusal(Craft(expiredWrongRole, """{"alg":"none","crit":["x"]}""", "wrong")));
        Assert.Equal(EdgeTokenRefusal.CriticalHeader, Refusal(Craft(expiredWrongRole, """{"alg":"HS256","crit":["x"]}""", "wrong")));
        Assert.Equal(EdgeTokenRefusal.BadSignature, Refusal(Craft(expiredWrongRole, Header, "wrong")));
        Assert.Equal(EdgeTokenRefusal.Expired, Refusal(Craft(expiredWrongRole)));
    }
}
