using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace Lakehouse.Medallion;

/// <summary>What a key rotation did.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="PreviousKeyId">The key id the tenant's pseudonyms were made with before (<see langword="null"/> when none was recorded: raw ids from before pseudonymization, or a new tenant).</param>
/// <param name="KeyId">The key id they are made with now.</param>
/// <param name="Customers">Distinct customers re-pseudonymized.</param>
/// <param name="RowsRewritten">Rows changed across every table holding customer ids.</param>
/// <param name="CustomersWithoutHistory"><c>dim_customer</c> rows of the tenant with no silver transaction (made by <see cref="CustomerContacts"/> only): their raw id is not in bronze, so they keep the old pseudonym.</param>
public sealed record CustomerKeyRotationResult(
    string TenantId, string? PreviousKeyId, string KeyId, long Customers, long RowsRewritten, long CustomersWithoutHistory);

/// <summary>
/// Moves a tenant's customer pseudonyms to a new key while keeping its history continuous: every pseudonym is recomputed
/// from the raw customer id in bronze (so the old key is not needed) and rewritten, in one transaction, in every
/// <c>scout</c> table that has a <c>customer_id</c> column (silver, dimensions, gold, platinum, and tables added later)
/// and in <c>platinum_features</c>; the tenant's recorded key id moves with it. It holds the medallion run lock, so no
/// run interleaves. Runs configured with the old key afterwards refuse to start, until their configuration has the
/// new key. Also the one-time step after upgrading a database whose silver still holds raw customer ids.
/// </summary>
public static class CustomerKeyRotation
{
    private const long RunLock = 5567931561557117263;

    /// <summary>Re-pseudonymizes <paramref name="tenantId"/>'s customers under <paramref name="newKeys"/>.</summary>
    /// <param name="dataSource">A service_role (or owner) connection to the <c>scout</c> schema.</param>
    /// <param name="tenantId">The tenant to rotate.</param>
    /// <param name="newKeys">The pseudonymizer with the new key for the tenant (its key id must differ from the current one).</param>
    /// <param name="cancellationToken">Cancels; nothing is changed unless the whole rotation commits.</param>
    /// <returns>What was rewritten; when the tenant is already on the new key id, nothing is done and the counts are 0.</returns>
    public static async Task<CustomerKeyRotationResult> RotateAsync(
        NpgsqlDataSource dataSource, string tenantId, CustomerPseudonymizer newKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(newKeys);
        string keyId = newKeys.KeyIdFor(tenantId);
        NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable connectionScope = connection.ConfigureAwait(false);
        await MedallionRunner.ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({RunLock})", cancellationToken).ConfigureAwait(false);
        try
        {
            NpgsqlTransaction tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using ConfiguredAsyncDisposable txScope = tx.ConfigureAwait(false);
            string? previous = await ScalarAsync<string>(connection, tx,
                "SELECT key_id FROM scout.customer_pseudonym_keys WHERE tenant_id = $1 FOR UPDATE", tenantId, cancellationToken).ConfigureAwait(false);
            if (previous == keyId)
            {
                return new CustomerKeyRotationResult(tenantId, previous, keyId, 0, 0, 0);
            }

            // old pseudonym (or pre-V0006 raw id) → new pseudonym, from bronze's raw customer ids.
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            using (var select = new NpgsqlCommand("""
                SELECT DISTINCT s.customer_id, (b.raw::jsonb) ->> 'customer_id'
                FROM scout.silver_transactions s JOIN scout.bronze_transactions b ON b.id = s.bronze_id
                WHERE s.tenant_id = $1 AND s.customer_id IS NOT NULL
                """, connection, tx))
            {
                select.Parameters.Add(new NpgsqlParameter { Value = tenantId });
                NpgsqlDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using ConfiguredAsyncDisposable readerScope = reader.ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    string old = reader.GetString(0);
                    string? fresh = reader.IsDBNull(1) ? null : newKeys.Pseudonymize(tenantId, reader.GetString(1));
                    if (fresh is null || (map.TryGetValue(old, out string? seen) && seen != fresh))
                    {
                        throw new InvalidOperationException(
                            $"Tenant '{tenantId}': silver and bronze disagree about a customer (silver row without a usable bronze customer_id, or one pseudonym made from two identifiers); nothing was changed.");
                    }

                    map[old] = fresh;
                }
            }

            await MedallionRunner.ExecuteAsync(connection, tx,
                "CREATE TEMPORARY TABLE rotation_map (old_id text PRIMARY KEY, new_id text NOT NULL UNIQUE) ON COMMIT DROP", cancellationToken).ConfigureAwait(false);
            NpgsqlBinaryImporter importer = await connection.BeginBinaryImportAsync("COPY rotation_map FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
            await using (importer.ConfigureAwait(false))
            {
                foreach ((string old, string fresh) in map)
                {
                    await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(old, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(fresh, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                }

                await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            // Every base table of scout with a customer_id column, bronze excepted (it keeps the raw event).
            var tables = new List<(string Table, bool HasTenant)>();
            using (var select = new NpgsqlCommand("""
                SELECT c.table_name, EXISTS (SELECT 1 FROM information_schema.columns t
                    WHERE t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.column_name = 'tenant_id')
                FROM information_schema.columns c
                JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name AND tb.table_type = 'BASE TABLE'
                WHERE c.table_schema = 'scout' AND c.column_name = 'customer_id' AND c.table_name NOT LIKE 'bronze%'
                ORDER BY c.table_name
                """, connection, tx))
            {
                NpgsqlDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using ConfiguredAsyncDisposable readerScope = reader.ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    tables.Add((reader.GetString(0), reader.GetBoolean(1)));
                }
            }

            long rows = 0;
            foreach ((string table, bool hasTenant) in tables)
            {
                string quoted = "\"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
                rows += await ExecuteAsync(connection, tx,
                    $"UPDATE scout.{quoted} t SET customer_id = m.new_id FROM rotation_map m WHERE t.customer_id = m.old_id" + (hasTenant ? " AND t.tenant_id = $1" : ""),
                    hasTenant ? tenantId : null, cancellationToken).ConfigureAwait(false);
            }

            rows += await ExecuteAsync(connection, tx, """
                UPDATE scout.platinum_features f SET entity_id = m.new_id FROM rotation_map m
                WHERE f.entity_type = 'customer' AND f.entity_id = m.old_id AND f.tenant_id = $1
                """, tenantId, cancellationToken).ConfigureAwait(false);

            long orphans = await ScalarAsync<long>(connection, tx, """
                SELECT count(*) FROM scout.dim_customer d
                WHERE d.tenant_id = $1 AND NOT EXISTS (SELECT 1 FROM rotation_map m WHERE m.new_id = d.customer_id)
                """, tenantId, cancellationToken).ConfigureAwait(false);

            using (var record = new NpgsqlCommand("""
                INSERT INTO scout.customer_pseudonym_keys (tenant_id, key_id, since, rotated_at) VALUES ($1, $2, now(), now())
                ON CONFLICT (tenant_id) DO UPDATE SET key_id = excluded.key_id, since = excluded.since, rotated_at = excluded.rotated_at
                """, connection, tx))
            {
                record.Parameters.Add(new NpgsqlParameter { Value = tenantId });
                record.Parameters.Add(new NpgsqlParameter { Value = keyId });
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // In the audit trail (when the database has one), committed with the rotation or not at all; key ids only.
            await new Lakehouse.Ingest.AuditLog(dataSource).TryRecordAsync(
                Lakehouse.Ingest.AuditActions.KeyRotate, "customer-pseudonym-key:" + tenantId, new System.Text.Json.Nodes.JsonObject
                {
                    ["tenant_id"] = tenantId,
                    ["previous_key_id"] = previous,
                    ["new_key_id"] = keyId,
                    ["customers"] = map.Count,
                    ["rows"] = rows,
                }, connection, tx, cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new CustomerKeyRotationResult(tenantId, previous, keyId, map.Count, rows, orphans);
        }
        finally
        {
            await MedallionRunner.ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({RunLock})", CancellationToken.None).ConfigureAwait(false);
        }
    }

    // The run's guard: records the key id of a tenant seen for the first time; refuses when a tenant's recorded key id
    // is not the configured one, or when a tenant with no record still has raw (pre-pseudonym) customer ids in silver.
    internal static async Task CheckKeysAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, CustomerPseudonymizer pseudonymizer, IEnumerable<string> tenants,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        string[] ids = [.. tenants];
        string[] keys = [.. ids.Select(pseudonymizer.KeyIdFor)];
        var recorded = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var select = new NpgsqlCommand("SELECT tenant_id, key_id FROM scout.customer_pseudonym_keys WHERE tenant_id = ANY($1)", connection, tx))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = ids });
            NpgsqlDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using ConfiguredAsyncDisposable readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                recorded[reader.GetString(0)] = reader.GetString(1);
            }
        }

        for (int i = 0; i < ids.Length; i++)
        {
            if (recorded.TryGetValue(ids[i], out string? key))
            {
                if (key != keys[i])
                {
                    throw new InvalidOperationException(
                        $"Tenant '{ids[i]}': its customer pseudonyms are made with key id '{key}', but this runner is configured with '{keys[i]}'. " +
                        "Configure the recorded key, or move the tenant with CustomerKeyRotation.RotateAsync first; nothing was run.");
                }

                continue;
            }

            if (await ScalarAsync<bool>(connection, tx, """
                SELECT EXISTS (SELECT 1 FROM scout.silver_transactions WHERE tenant_id = $1 AND customer_id IS NOT NULL AND customer_id NOT LIKE 'c:%')
                """, ids[i], cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException(
                    $"Tenant '{ids[i]}' has raw customer ids in silver from before pseudonymization: run CustomerKeyRotation.RotateAsync for it once before the next run.");
            }

            using var insert = new NpgsqlCommand(
                "INSERT INTO scout.customer_pseudonym_keys (tenant_id, key_id, since) VALUES ($1, $2, $3) ON CONFLICT (tenant_id) DO NOTHING", connection, tx);
            insert.Parameters.Add(new NpgsqlParameter { Value = ids[i] });
            insert.Parameters.Add(new NpgsqlParameter { Value = keys[i] });
            insert.Parameters.Add(new NpgsqlParameter { Value = now });
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<T?> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, string tenantId, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection, tx);
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        object? value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? default : (T)value;
    }

    private static async Task<long> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, string? tenantId, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection, tx);
        if (tenantId is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
