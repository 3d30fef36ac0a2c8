using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using Lakehouse.Medallion;
using Npgsql;
using Spectre.Console;

namespace Lakehouse.Cli;

/// <summary><c>lakehouse audit</c>: checks a live database against the family's security design.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        Option<string> connection = CommonOptions.Connection();
        var schemas = new Option<string[]>("--schema")
        {
            Description = "An extra schema to check besides the family's (repeatable).",
            AllowMultipleArgumentsPerToken = true,
        };
        var audit = new Command("audit",
            "Check row-level security, role privileges, PII columns and functions of a live database; exit 1 when anything differs from the design.")
        {
            connection, schemas,
        };
        audit.SetAction(async (parse, cancellationToken) =>
        {
            var options = new SecurityAuditOptions();
            foreach (string schema in parse.GetValue(schemas) ?? [])
            {
                options.Schemas.Add(schema);
            }

            return await RunAsync(parse.GetValue(connection)!, options, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken)
                .ConfigureAwait(false);
        });
        return audit;
    }

    /// <summary>Prints the findings as a table; 0 when none, 1 when any, 2 when the database cannot be reached.</summary>
    internal static async Task<int> RunAsync(string connectionString, SecurityAuditOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        IReadOnlyList<SecurityFinding> findings;
        try
        {
            NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
            await using (dataSource.ConfigureAwait(false))
            {
                findings = await new SecurityAuditor(dataSource, options).CheckAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or ArgumentException or TimeoutException)
        {
            await error.WriteLineAsync("cannot audit the database: " + e.Message).ConfigureAwait(false);
            return 2;
        }

        if (findings.Count == 0)
        {
            await output.WriteLineAsync("audit passed: no findings").ConfigureAwait(false);
            return 0;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        if (!ReferenceEquals(output, Console.Out))
        {
            console.Profile.Width = 400; // redirected or captured: one line per finding, nothing wrapped
        }

        var table = new Table().AddColumns("#", "finding", "object", "role", "detail");
        for (int i = 0; i < findings.Count; i++)
        {
            SecurityFinding f = findings[i];
            table.AddRow(
                (i + 1).ToString(CultureInfo.InvariantCulture),
                Markup.Escape(Kebab(f.Kind)),
                Markup.Escape(f.ObjectName),
                Markup.Escape(f.Role ?? ""),
                Markup.Escape(f.Message));
        }

        console.Write(table);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"audit failed: {findings.Count} finding(s)")).ConfigureAwait(false);
        return 1;
    }

    /// <summary><c>RlsNotForced</c> → <c>rls-not-forced</c>.</summary>
    internal static string Kebab(SecurityFindingKind kind)
    {
        string name = kind.ToString();
        var builder = new System.Text.StringBuilder(name.Length + 6);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('-');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }
}
