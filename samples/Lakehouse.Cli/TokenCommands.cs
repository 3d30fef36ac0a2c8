using System.CommandLine;
using System.Globalization;
using Lakehouse.Ingest;
using Npgsql;

namespace Lakehouse.Cli;

/// <summary><c>lakehouse token …</c>: create and verify edge-device tokens.</summary>
internal static class TokenCommands
{
    public static Command Create()
    {
        var create = new Command("create", "Create an edge-device token (HS256 JWT) and print it.");
        var name = new Option<string>("--name") { Description = "The device name (sub).", Required = true };
        Option<string> createRole = RoleOption();
        var days = new Option<double>("--days") { Description = "Lifetime in days (default 30).", DefaultValueFactory = _ => 30 };
        var createSecret = new Option<string>("--secret") { Description = "The signing secret (at least 32 UTF-8 bytes).", Required = true };
        Option<string?> createAudience = AudienceOption();
        Option<long?> createNow = NowOption();
        var createConnection = new Option<string?>("--connection", "-c")
        {
            Description = "Record the creation in the database's audit trail (audit.events: device, role, expiry, token fingerprint; never the token).",
        };
        create.Options.Add(name);
        create.Options.Add(createRole);
        create.Options.Add(days);
        create.Options.Add(createSecret);
        create.Options.Add(createAudience);
        create.Options.Add(createNow);
        create.Options.Add(createConnection);
        create.SetAction((parse, cancellationToken) => CreateTokenAsync(
            parse.GetValue(name)!,
            parse.GetValue(createRole)!,
            parse.GetValue(days),
            parse.GetValue(createSecret)!,
            parse.GetValue(createAudience),
            parse.GetValue(createNow),
            parse.GetValue(createConnection),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            cancellationToken));

        var verify = new Command("verify", "Verify an edge-device token; exit code 0 when accepted, 1 when rejected. Prints why.");
        var token = new Argument<string>("token") { Description = "The compact JWT." };
        var verifySecret = new Option<string>("--secret") { Description = "The signing secret.", Required = true };
        Option<string> verifyRole = RoleOption();
        Option<string?> verifyAudience = AudienceOption();
        Option<long?> verifyNow = NowOption();
        var skew = new Option<int>("--skew") { Description = "Clock skew in seconds, 0–60 (default 30).", DefaultValueFactory = _ => 30 };
        verify.Arguments.Add(token);
        verify.Options.Add(verifySecret);
        verify.Options.Add(verifyRole);
        verify.Options.Add(verifyAudience);
        verify.Options.Add(verifyNow);
        verify.Options.Add(skew);
        verify.SetAction(parse => VerifyToken(
            parse.GetValue(token)!,
            parse.GetValue(verifySecret)!,
            parse.GetValue(verifyRole)!,
            parse.GetValue(verifyAudience),
            parse.GetValue(verifyNow),
            parse.GetValue(skew),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));

        return new Command("token", "Create and verify edge-device tokens.") { create, verify };
    }

    /// <summary>Prints a new token; 0 on success, 2 on bad input.</summary>
    internal static int CreateToken(string name, string role, double days, string secret, string? audience, long? now, TextWriter output, TextWriter error)
    {
        try
        {
            var options = new EdgeTokenOptions { Secret = secret, Role = role, Audience = audience };
            var issuer = new EdgeTokenIssuer(options, Clock(now));
            output.WriteLine(issuer.Issue(name, TimeSpan.FromDays(days)));
            return 0;
        }
        catch (ArgumentException e)
        {
            error.WriteLine(e.Message);
            return 2;
        }
    }

    /// <summary>
    /// Prints a new token; with <paramref name="connection"/> it is first recorded in <c>audit.events</c> (and not printed
    /// when that fails). 0 on success, 2 on bad input or when the record could not be written.
    /// </summary>
    internal static async Task<int> CreateTokenAsync(
        string name, string role, double days, string secret, string? audience, long? now, string? connection,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(connection))
        {
            return CreateToken(name, role, days, secret, audience, now, output, error);
        }

        string token;
        DateTimeOffset expiresAt;
        TimeProvider clock = Clock(now);
        try
        {
            var options = new EdgeTokenOptions { Secret = secret, Role = role, Audience = audience };
            TimeSpan lifetime = TimeSpan.FromDays(days);
            expiresAt = DateTimeOffset.FromUnixTimeSeconds(clock.GetUtcNow().ToUnixTimeSeconds()) + lifetime;
            token = new EdgeTokenIssuer(options, clock).Issue(name, lifetime);
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 2;
        }

        try
        {
            NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connection);
            await using (dataSource.ConfigureAwait(false))
            {
                var audit = new AuditLog(dataSource, clock, "lakehouse-cli:" + Environment.UserName);
                await audit.RecordTokenCreatedAsync(name, role, expiresAt, token, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException or InvalidOperationException)
        {
            await error.WriteLineAsync("the token was not issued: its creation could not be recorded in audit.events: " + e.Message).ConfigureAwait(false);
            return 2;
        }

        await output.WriteLineAsync(token).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Prints <c>accepted sub=… exp=…</c> or <c>rejected &lt;reason&gt;</c>; 0 when accepted, 1 when rejected, 2 on bad input.</summary>
    internal static int VerifyToken(string token, string secret, string role, string? audience, long? now, int skewSeconds, TextWriter output, TextWriter error)
    {
        EdgeTokenValidator validator;
        try
        {
            var options = new EdgeTokenOptions { Secret = secret, Role = role, Audience = audience, ClockSkew = TimeSpan.FromSeconds(skewSeconds) };
            validator = new EdgeTokenValidator(options, Clock(now));
        }
        catch (ArgumentException e)
        {
            error.WriteLine(e.Message);
            return 2;
        }

        EdgeTokenValidation result = validator.Validate(token.Trim());
        if (result.IsValid)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"accepted sub={result.DeviceName} exp={result.ExpiresAt:O}"));
            return 0;
        }

        output.WriteLine("rejected " + SnakeCase(result.Refusal));
        return 1;
    }

    internal static string SnakeCase(EdgeTokenRefusal refusal)
    {
        string name = refusal.ToString();
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }

    private static TimeProvider Clock(long? now) =>
        now is { } seconds ? new FixedClock(DateTimeOffset.FromUnixTimeSeconds(seconds)) : TimeProvider.System;

    private static Option<string> RoleOption() => new("--role")
    {
        Description = $"The role claim (the contract fixes {EdgeTokenOptions.EdgeUploaderRole}).",
        DefaultValueFactory = _ => EdgeTokenOptions.EdgeUploaderRole,
    };

    private static Option<string?> AudienceOption() => new("--audience") { Description = "The audience (aud); checked only when given." };

    private static Option<long?> NowOption() => new("--now") { Description = "Unix seconds to treat as now (default: the clock)." };
}
