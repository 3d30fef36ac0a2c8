using System.CommandLine;
using System.Globalization;
using Lakehouse.Ingest;

namespace Lakehouse.Cli;

/// <summary><c>lakehouse webhook …</c>: sign and verify webhook deliveries (<c>x-ipai-*</c> and Standard Webhooks).</summary>
internal static class WebhookCommands
{
    internal const string Ipai = "ipai";
    internal const string Standard = "standard";

    public static Command Create()
    {
        var sign = new Command("sign", "Print the signature headers for a body file.");
        Option<string> signScheme = SchemeOption();
        var signSecret = new Option<string>("--secret") { Description = "The secret (ipai: any string; standard: whsec_<base64>).", Required = true };
        Option<FileInfo> signBody = BodyOption();
        var signTimestamp = new Option<string?>("--timestamp") { Description = "Unix seconds to sign with (default: now)." };
        var signId = new Option<string?>("--id") { Description = "standard: the webhook-id (default: a new msg_… id)." };
        sign.Options.Add(signScheme);
        sign.Options.Add(signSecret);
        sign.Options.Add(signBody);
        sign.Options.Add(signTimestamp);
        sign.Options.Add(signId);
        sign.SetAction(parse => Sign(
            parse.GetValue(signScheme)!,
            parse.GetValue(signSecret)!,
            File.ReadAllBytes(parse.GetValue(signBody)!.FullName),
            parse.GetValue(signTimestamp),
            parse.GetValue(signId),
            TimeProvider.System,
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));

        var verify = new Command("verify", "Verify a delivery; exit code 0 when accepted, 1 when rejected. Prints the verdict.");
        Option<string> verifyScheme = SchemeOption();
        var verifySecrets = new Option<string[]>("--secret")
        {
            Description = "An active secret; repeat for rotation.",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
        };
        Option<FileInfo> verifyBody = BodyOption();
        var verifyTimestamp = new Option<string?>("--timestamp") { Description = "The timestamp header value (absent or blank = missing_header)." };
        var verifySignature = new Option<string?>("--signature") { Description = "The signature header value (absent or blank = missing_header)." };
        var verifyId = new Option<string?>("--id") { Description = "standard: the webhook-id header value (absent or blank = missing_header)." };
        var verifyNow = new Option<long?>("--now") { Description = "Unix seconds to treat as now (default: the clock)." };
        verify.Options.Add(verifyScheme);
        verify.Options.Add(verifySecrets);
        verify.Options.Add(verifyBody);
        verify.Options.Add(verifyTimestamp);
        verify.Options.Add(verifySignature);
        verify.Options.Add(verifyId);
        verify.Options.Add(verifyNow);
        verify.SetAction(parse => Verify(
            parse.GetValue(verifyScheme)!,
            parse.GetValue(verifySecrets) ?? [],
            File.ReadAllBytes(parse.GetValue(verifyBody)!.FullName),
            parse.GetValue(verifyTimestamp),
            parse.GetValue(verifySignature),
            parse.GetValue(verifyId),
            parse.GetValue(verifyNow),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));

        return new Command("webhook", "Sign and verify webhook deliveries.") { sign, verify };
    }

    /// <summary>Prints the headers that sign <paramref name="body"/>; 0 on success, 2 on bad input.</summary>
    internal static int Sign(string scheme, string secret, byte[] body, string? timestamp, string? id, TimeProvider time, TextWriter output, TextWriter error)
    {
        string ts = timestamp ?? time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        try
        {
            if (scheme == Ipai)
            {
                output.WriteLine($"{IpaiWebhookVerifier.TimestampHeader}: {ts}");
                output.WriteLine($"{IpaiWebhookVerifier.SignatureHeader}: {IpaiWebhookSigner.Sign(secret, ts, body)}");
                return 0;
            }

            if (!long.TryParse(ts, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
            {
                error.WriteLine($"--timestamp '{ts}' is not Unix seconds.");
                return 2;
            }

            StandardWebhookHeaders headers = new StandardWebhookSigner(secret, time).Sign(body, id, seconds);
            output.WriteLine($"{StandardWebhookVerifier.IdHeader}: {headers.Id}");
            output.WriteLine($"{StandardWebhookVerifier.TimestampHeader}: {headers.Timestamp}");
            output.WriteLine($"{StandardWebhookVerifier.SignatureHeader}: {headers.Signature}");
            return 0;
        }
        catch (ArgumentException e)
        {
            error.WriteLine(e.Message);
            return 2;
        }
    }

    /// <summary>Prints the verdict; 0 when accepted, 1 when rejected, 2 on bad configuration.</summary>
    internal static int Verify(
        string scheme, IReadOnlyList<string> secrets, byte[] body, string? timestamp, string? signature, string? id, long? now,
        TextWriter output, TextWriter error)
    {
        var options = new WebhookVerificationOptions();
        foreach (string secret in secrets)
        {
            options.Secrets.Add(secret);
        }

        TimeProvider clock = now is { } seconds ? new FixedClock(DateTimeOffset.FromUnixTimeSeconds(seconds)) : TimeProvider.System;
        WebhookVerdict verdict;
        try
        {
            verdict = scheme == Ipai
                ? new IpaiWebhookVerifier(options, null, clock).Verify(timestamp, signature, body)
                : new StandardWebhookVerifier(options, null, clock).Verify(id, timestamp, signature, body);
        }
        catch (ArgumentException e)
        {
            error.WriteLine(e.Message);
            return 2;
        }

        output.WriteLine(verdict.ToSnakeCase());
        return verdict == WebhookVerdict.Accepted ? 0 : 1;
    }

    private static Option<string> SchemeOption() => new("--scheme")
    {
        Description = "ipai (x-ipai-timestamp/x-ipai-signature, Odoo) or standard (Standard Webhooks).",
        DefaultValueFactory = _ => Ipai,
        Validators =
        {
            result =>
            {
                string? value = result.GetValueOrDefault<string>();
                if (value is not (Ipai or Standard))
                {
                    result.AddError($"--scheme must be '{Ipai}' or '{Standard}', not '{value}'.");
                }
            },
        },
    };

    private static Option<FileInfo> BodyOption() => new Option<FileInfo>("--body-file")
    {
        Description = "The raw request body, read as bytes.",
        Required = true,
    }.AcceptExistingOnly();
}

/// <summary>A clock stopped at one instant, for <c>--now</c>.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
