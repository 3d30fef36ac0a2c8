using System.CommandLine;
using Lakehouse.Medallion;
using Npgsql;
using Spectre.Console;

namespace Lakehouse.Cli;

/// <summary><c>lakehouse clusters</c>: the basket segments (cluster profiles) the last medallion run stored in platinum.</summary>
internal static class ClustersCommand
{
    public static Command Create()
    {
        Option<string> connection = CommonOptions.Connection();
        var tenant = new Option<string?>("--tenant", "-t") { Description = "Only this tenant's clusters." };
        var command = new Command("clusters", "Print the basket cluster profiles (size, share of sales, average basket, categories, hour, payment, label).")
        {
            connection,
            tenant,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(parse.GetValue(connection)!);
            IReadOnlyList<BasketClusterProfile> profiles;
            try
            {
                profiles = await BasketClustering.ReadProfilesAsync(dataSource, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("the database has no basket cluster tables: run `lakehouse db migrate` and `lakehouse run` first")
                    .ConfigureAwait(false);
                return 1;
            }

            string? only = parse.GetValue(tenant);
            List<BasketClusterProfile> shown = [.. profiles.Where(p => only is null || p.TenantId == only)];
            TextWriter output = parse.InvocationConfiguration.Output;
            if (shown.Count == 0)
            {
                await output.WriteLineAsync("no basket clusters yet: `lakehouse run` computes them with the rest of platinum").ConfigureAwait(false);
                return 0;
            }

            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
            console.Profile.Width = Math.Max(console.Profile.Width, 220);
            var table = new Table().AddColumns("tenant", "cluster", "label", "txns", "txn %", "sales %", "avg PHP", "avg items", "categories", "hour", "payment", "campaign %");
            foreach (BasketClusterProfile profile in shown)
            {
                table.AddRow([.. BasketClustering.ProfileCells(profile).Select(Markup.Escape)]);
            }

            console.Write(table);
            console.WriteLine($"{shown.Count} cluster(s), as of {shown.Max(p => p.AsOfDate):yyyy-MM-dd}");
            return 0;
        });
        return command;
    }
}
