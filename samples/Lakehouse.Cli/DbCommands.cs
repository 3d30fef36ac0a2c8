using System.CommandLine;
using Lakehouse.Geo;
using Lakehouse.Ingest;
using Lakehouse.Medallion;
using Lakehouse.Odoo;
using Lakehouse.Publisher;
using Npgsql;

namespace Lakehouse.Cli;

/// <summary><c>lakehouse db …</c>: database administration.</summary>
internal static class DbCommands
{
    public static Command Create()
    {
        Option<string> connection = CommonOptions.Connection();
        var migrate = new Command("migrate", "Apply every package's schema migrations (idempotent; safe to run from several hosts at once).")
        {
            connection,
        };
        migrate.SetAction(async (parse, cancellationToken) =>
        {
            await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(parse.GetValue(connection)!);
            var applied = new List<string>();
            applied.AddRange(await IngestSchema.MigrateAsync(dataSource, null, cancellationToken).ConfigureAwait(false));
            applied.AddRange(await GeoSchema.MigrateAsync(dataSource, null, cancellationToken).ConfigureAwait(false));
            applied.AddRange(await MedallionSchema.MigrateAsync(dataSource, null, cancellationToken).ConfigureAwait(false));
            applied.AddRange(await PublisherSchema.MigrateAsync(dataSource, null, cancellationToken).ConfigureAwait(false));
            applied.AddRange(await OdooSchema.MigrateAsync(dataSource, null, cancellationToken).ConfigureAwait(false));
            foreach (string name in applied)
            {
                await parse.InvocationConfiguration.Output.WriteLineAsync("applied " + name).ConfigureAwait(false);
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync(
                applied.Count == 0 ? "database is up to date" : $"{applied.Count} migration(s) applied").ConfigureAwait(false);
            return 0;
        });

        return new Command("db", "Database administration.") { migrate };
    }
}
