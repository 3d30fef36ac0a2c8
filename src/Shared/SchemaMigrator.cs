using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Lakehouse.Internal;

/// <summary>One versioned SQL migration: <c>V0001__create_scout.sql</c> has version 1.</summary>
internal sealed record SchemaMigration(int Version, string Name, string Sql)
{
    /// <summary>SHA-256 of the script with line endings normalised, so a checkout with CRLF still matches.</summary>
    public string Checksum { get; } = Convert.ToHexStringLower(
        SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));
}

/// <summary>
/// Applies a component's embedded migrations in version order, each in its own transaction, recorded in
/// <c>lakehouse.schema_history</c>. Every package that owns SQL compiles this file in (it is linked from
/// <c>src/Shared</c>) so no package has to depend on another just to migrate.
/// </summary>
internal static partial class SchemaMigrator
{
    // One lock for every component: migrations of different packages may touch the same schema
    // (scout), so they are serialised as a whole. The number is arbitrary but fixed forever.
    internal const long AdvisoryLockKey = 0x4C414B45_484F5553; // "LAKEHOUS" = 5494755781306701139, spelled out in the SQL below

    /// <summary>Reads <c>*.Migrations.V####__name.sql</c> resources of <paramref name="assembly"/>.</summary>
    public static IReadOnlyList<SchemaMigration> LoadEmbedded(Assembly assembly)
    {
        var list = new List<SchemaMigration>();
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            int at = resource.IndexOf(".Migrations.V", StringComparison.Ordinal);
            if (at < 0 || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            string file = resource[(at + ".Migrations.".Length)..^".sql".Length];
            int sep = file.IndexOf("__", StringComparison.Ordinal);
            if (sep < 2 || !int.TryParse(file.AsSpan(1, sep - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int version))
            {
                throw new InvalidOperationException($"Migration resource '{resource}' is not named V<number>__<name>.sql.");
            }

            using Stream stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            list.Add(new SchemaMigration(version, file[(sep + 2)..], reader.ReadToEnd()));
        }

        list.Sort(static (a, b) => a.Version.CompareTo(b.Version));
        for (int i = 1; i < list.Count; i++)
        {
            if (list[i].Version == list[i - 1].Version)
            {
                throw new InvalidOperationException($"Two migrations share version {list[i].Version}: '{list[i - 1].Name}' and '{list[i].Name}'.");
            }
        }

        return list;
    }

    /// <summary>
    /// Applies what is missing and returns the names applied now (empty when the database was current).
    /// </summary>
    /// <exception cref="InvalidOperationException">An applied migration's script was edited since.</exception>
    public static async Task<IReadOnlyList<string>> ApplyAsync(
        NpgsqlDataSource dataSource,
        string component,
        IReadOnlyList<SchemaMigration> migrations,
        ILogger? logger,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable connectionScope = connection.ConfigureAwait(false);

        // Session-level lock: a second process starting at the same moment waits here, then finds
        // the history already written and applies nothing.
        await ExecuteAsync(connection, null, "SELECT pg_advisory_lock(5494755781306701139)", cancellationToken).ConfigureAwait(false);
        try
        {
            // The family's roles (DESIGN.md: anon, authenticated, service_role, edge_uploader) are cluster-wide and
            // granted to by several packages' migrations, so they are ensured here, once, before any of them runs.
            // Another database of the same cluster may be creating them at this moment: tolerate the race.
            await ExecuteAsync(connection, null, """
                DO $roles$
                DECLARE r text;
                BEGIN
                  FOREACH r IN ARRAY ARRAY['anon', 'authenticated', 'service_role', 'edge_uploader'] LOOP
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
                      BEGIN
                        EXECUTE format('CREATE ROLE %I NOLOGIN', r);
                      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                      END;
                    END IF;
                  END LOOP;
                END $roles$;
                """, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, null, """
                CREATE SCHEMA IF NOT EXISTS lakehouse;
                CREATE TABLE IF NOT EXISTS lakehouse.schema_history (
                    component  text        NOT NULL,
                    version    integer     NOT NULL,
                    name       text        NOT NULL,
                    checksum   text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (component, version));
                """, cancellationToken).ConfigureAwait(false);

            var applied = new Dictionary<int, (string Name, string Checksum)>();
            using (var select = new NpgsqlCommand(
                "SELECT version, name, checksum FROM lakehouse.schema_history WHERE component = $1", connection))
            {
                select.Parameters.Add(new NpgsqlParameter { Value = component });
                NpgsqlDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using ConfiguredAsyncDisposable readerScope = reader.ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    applied[reader.GetInt32(0)] = (reader.GetString(1), reader.GetString(2));
                }
            }

            var done = new List<string>();
            foreach (SchemaMigration migration in migrations)
            {
                if (applied.TryGetValue(migration.Version, out var old))
                {
                    if (!string.Equals(old.Checksum, migration.Checksum, StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException(
                            $"Migration {component} V{migration.Version:D4}__{migration.Name} was edited after it was applied " +
                            $"(recorded checksum {old.Checksum}, file checksum {migration.Checksum}). " +
                            "Applied migrations are immutable: add a new migration instead.");
                    }

                    continue;
                }

                NpgsqlTransaction tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using ConfiguredAsyncDisposable txScope = tx.ConfigureAwait(false);
                await ExecuteAsync(connection, tx, migration.Sql, cancellationToken).ConfigureAwait(false);
                using (var insert = new NpgsqlCommand(
                    "INSERT INTO lakehouse.schema_history (component, version, name, checksum) VALUES ($1, $2, $3, $4)", connection, tx))
                {
                    insert.Parameters.Add(new NpgsqlParameter { Value = component });
                    insert.Parameters.Add(new NpgsqlParameter { Value = migration.Version });
                    insert.Parameters.Add(new NpgsqlParameter { Value = migration.Name });
                    insert.Parameters.Add(new NpgsqlParameter { Value = migration.Checksum });
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                string label = string.Create(CultureInfo.InvariantCulture, $"{component} V{migration.Version:D4}__{migration.Name}");
                await RecordAuditAsync(connection, tx, component, migration, label, cancellationToken).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                done.Add(label);
                if (logger is not null)
                {
                    Log.Applied(logger, label);
                }
            }

            return done;
        }
        finally
        {
            // Unlock even when cancelled: the connection goes back to the pool and must not keep the lock.
            await ExecuteAsync(connection, null, "SELECT pg_advisory_unlock(5494755781306701139)", CancellationToken.None).ConfigureAwait(false);
        }
    }

    // The audit trail (audit.events, created by Lakehouse.Ingest's V0003) records each migration in the migration's own
    // transaction, so the record exists exactly when the change does. A package migrated without Ingest (Geo alone)
    // has no audit table: nothing is recorded then, and Ingest's V0003 backfills from the history when it arrives.
    private static async Task RecordAuditAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, string component, SchemaMigration migration, string label, CancellationToken cancellationToken)
    {
        using (var exists = new NpgsqlCommand("SELECT to_regclass('audit.events') IS NOT NULL", connection, tx))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return;
            }
        }

        using var insert = new NpgsqlCommand(
            "INSERT INTO audit.events (action, object, details) VALUES ('migration.apply', $1, " +
            "jsonb_build_object('component', $2::text, 'version', $3::integer, 'name', $4::text, 'checksum', $5::text))", connection, tx);
        insert.Parameters.Add(new NpgsqlParameter { Value = label });
        insert.Parameters.Add(new NpgsqlParameter { Value = component });
        insert.Parameters.Add(new NpgsqlParameter { Value = migration.Version });
        insert.Parameters.Add(new NpgsqlParameter { Value = migration.Name });
        insert.Parameters.Add(new NpgsqlParameter { Value = migration.Checksum });
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection, tx);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Applied migration {Migration}")]
        public static partial void Applied(ILogger logger, string migration);
    }
}
