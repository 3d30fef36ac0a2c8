using Microsoft.Extensions.Options;
using Npgsql;

namespace Lakehouse.Odoo;

/// <summary>
/// Sync cursors (<c>odoo.sync_cursors</c>: where the last incremental pull of a model stopped) and entity mappings
/// (<c>odoo.entity_mappings</c>: Odoo record id ↔ our external reference, per instance and model).
/// </summary>
public sealed class OdooSyncStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _instance;
    private readonly TimeProvider _time;

    /// <summary>Creates the store for the instance named in <paramref name="options"/>.</summary>
    /// <param name="dataSource">The database holding the <c>odoo</c> schema.</param>
    /// <param name="options">Supplies <see cref="OdooOptions.Instance"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public OdooSyncStore(NpgsqlDataSource dataSource, IOptions<OdooOptions> options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _instance = options.Value.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The <c>write_date</c> (Odoo's UTC, without zone) the last pull of <paramref name="model"/> reached, if any.</summary>
    /// <param name="model">The Odoo model, e.g. <c>project.task</c>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The cursor, or <see langword="null"/> before the first pull.</returns>
    public async Task<DateTime?> GetCursorAsync(string model, CancellationToken cancellationToken = default)
    {
        using NpgsqlCommand command = _dataSource.CreateCommand(
            "SELECT last_write_date FROM odoo.sync_cursors WHERE instance = $1 AND model = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = _instance });
        command.Parameters.Add(new NpgsqlParameter { Value = model });
        object? value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DateTime cursor ? cursor : null;
    }

    /// <summary>Moves the cursor of <paramref name="model"/> forward (never back).</summary>
    /// <param name="model">The Odoo model.</param>
    /// <param name="writeDate">The newest <c>write_date</c> stored.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task that completes when the cursor is stored.</returns>
    public async Task SetCursorAsync(string model, DateTime writeDate, CancellationToken cancellationToken = default)
    {
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using System.Runtime.CompilerServices.ConfiguredAsyncDisposable scope = connection.ConfigureAwait(false);
        await SetCursorAsync(connection, null, model, writeDate, cancellationToken).ConfigureAwait(false);
    }

    internal async Task SetCursorAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string model, DateTime writeDate, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand("""
            INSERT INTO odoo.sync_cursors (instance, model, last_write_date, updated_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (instance, model) DO UPDATE
            SET last_write_date = GREATEST(odoo.sync_cursors.last_write_date, excluded.last_write_date), updated_at = excluded.updated_at
            """, connection, tx);
        command.Parameters.Add(new NpgsqlParameter { Value = _instance });
        command.Parameters.Add(new NpgsqlParameter { Value = model });
        command.Parameters.Add(new NpgsqlParameter { Value = DateTime.SpecifyKind(writeDate, DateTimeKind.Unspecified) });
        command.Parameters.Add(new NpgsqlParameter { Value = _time.GetUtcNow() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records that Odoo record <paramref name="odooId"/> of <paramref name="model"/> is our <paramref name="externalRef"/>.</summary>
    /// <param name="model">The Odoo model.</param>
    /// <param name="odooId">The Odoo record id.</param>
    /// <param name="externalRef">Our reference for the same thing.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the mapping is stored.</returns>
    /// <exception cref="PostgresException">The reference is already mapped to another Odoo id (unique violation).</exception>
    public async Task MapAsync(string model, long odooId, string externalRef, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(externalRef);
        using NpgsqlCommand command = _dataSource.CreateCommand("""
            INSERT INTO odoo.entity_mappings (instance, model, odoo_id, external_ref, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $5)
            ON CONFLICT (instance, model, odoo_id) DO UPDATE SET external_ref = excluded.external_ref, updated_at = excluded.updated_at
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = _instance });
        command.Parameters.Add(new NpgsqlParameter { Value = model });
        command.Parameters.Add(new NpgsqlParameter { Value = odooId });
        command.Parameters.Add(new NpgsqlParameter { Value = externalRef });
        command.Parameters.Add(new NpgsqlParameter { Value = _time.GetUtcNow() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Our reference for an Odoo record, if mapped.</summary>
    /// <param name="model">The Odoo model.</param>
    /// <param name="odooId">The Odoo record id.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The external reference, or <see langword="null"/>.</returns>
    public async Task<string?> FindExternalRefAsync(string model, long odooId, CancellationToken cancellationToken = default)
    {
        using NpgsqlCommand command = _dataSource.CreateCommand(
            "SELECT external_ref FROM odoo.entity_mappings WHERE instance = $1 AND model = $2 AND odoo_id = $3");
        command.Parameters.Add(new NpgsqlParameter { Value = _instance });
        command.Parameters.Add(new NpgsqlParameter { Value = model });
        command.Parameters.Add(new NpgsqlParameter { Value = odooId });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>The Odoo id mapped to our reference, if any.</summary>
    /// <param name="model">The Odoo model.</param>
    /// <param name="externalRef">Our reference.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The Odoo record id, or <see langword="null"/>.</returns>
    public async Task<long?> FindOdooIdAsync(string model, string externalRef, CancellationToken cancellationToken = default)
    {
        using NpgsqlCommand command = _dataSource.CreateCommand(
            "SELECT odoo_id FROM odoo.entity_mappings WHERE instance = $1 AND model = $2 AND external_ref = $3");
        command.Parameters.Add(new NpgsqlParameter { Value = _instance });
        command.Parameters.Add(new NpgsqlParameter { Value = model });
        command.Parameters.Add(new NpgsqlParameter { Value = externalRef });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long?;
    }
}
