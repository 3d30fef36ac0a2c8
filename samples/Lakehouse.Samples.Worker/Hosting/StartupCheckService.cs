using Lakehouse.Medallion;
using Lakehouse.Odoo;
using Lakehouse.Publisher;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Lakehouse.Samples.Worker;

/// <summary>
/// Runs first when the host starts: reaches the database (a clear error when it cannot), applies the migrations
/// when <c>Lakehouse:Migrate=true</c> (every worker may: the family's migrator serialises on an advisory lock), and
/// otherwise refuses to start on a database without the schema.
/// </summary>
internal sealed partial class StartupCheckService(NpgsqlDataSource dataSource, bool migrate, ILogger<StartupCheckService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (migrate)
            {
                Log.Migrating(logger);
                // Medallion's migration applies Ingest's and Geo's first.
                var applied = new List<string>();
                applied.AddRange(await MedallionSchema.MigrateAsync(dataSource, logger, cancellationToken).ConfigureAwait(false));
                applied.AddRange(await PublisherSchema.MigrateAsync(dataSource, logger, cancellationToken).ConfigureAwait(false));
                applied.AddRange(await OdooSchema.MigrateAsync(dataSource, logger, cancellationToken).ConfigureAwait(false));
                Log.Migrated(logger, applied.Count);
                return;
            }

            using NpgsqlCommand check = dataSource.CreateCommand(
                "SELECT to_regclass('scout.medallion_watermarks') IS NOT NULL AND to_regclass('odoo.webhook_events') IS NOT NULL AND to_regclass('publisher.dataset_versions') IS NOT NULL");
            if (await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                throw new WorkerStartupException(
                    "The database has no Lakehouse schema (scout, odoo, publisher): start once with Lakehouse:Migrate=true, or run `lakehouse db migrate --connection …`.");
            }
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new WorkerStartupException($"Cannot use the database of Lakehouse:ConnectionString ({Describe(dataSource)}): {e.Message}", e);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Describe(NpgsqlDataSource dataSource)
    {
        var b = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        return $"host {b.Host}, port {b.Port}, database {b.Database}, user {b.Username}";
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Applying migrations")]
        public static partial void Migrating(ILogger logger);

        [LoggerMessage(2, LogLevel.Information, "Schema current ({Applied} migrations applied now)")]
        public static partial void Migrated(ILogger logger, int applied);
    }
}
