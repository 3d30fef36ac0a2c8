using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Lakehouse.Odoo;

/// <summary>Which shadow snapshot to refresh.</summary>
public enum OdooShadowModel
{
    /// <summary><c>project.project</c> → <c>odoo_seed.shadow_projects</c>.</summary>
    Projects,

    /// <summary><c>project.task</c> → <c>odoo_seed.shadow_tasks</c>.</summary>
    Tasks,

    /// <summary><c>account.move</c> (invoices, bills, entries) → <c>odoo_seed.shadow_account_moves</c>.</summary>
    AccountMoves,
}

/// <summary>
/// Pulls Odoo records changed since the model's sync cursor through JSON-RPC <c>search_read</c> and upserts them
/// into the <c>odoo_seed</c> shadow tables; each page and the cursor move commit together, so an interrupted
/// sync resumes where it stopped. Archived records are included (<c>active_test</c> off) so drift sees them.
/// </summary>
public sealed class OdooShadowSync
{
    private const string OdooDateTimeFormat = "yyyy-MM-dd HH:mm:ss";
    private readonly NpgsqlDataSource _dataSource;
    private readonly OdooJsonRpcClient _client;
    private readonly OdooSyncStore _cursors;
    private readonly string _instance;
    private readonly TimeProvider _time;

    /// <summary>Creates the sync.</summary>
    /// <param name="dataSource">The database holding the <c>odoo</c> and <c>odoo_seed</c> schemas.</param>
    /// <param name="client">The JSON-RPC client of the Odoo instance.</param>
    /// <param name="options">Supplies <see cref="OdooOptions.Instance"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public OdooShadowSync(NpgsqlDataSource dataSource, OdooJsonRpcClient client, IOptions<OdooOptions> options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _client = client;
        _instance = options.Value.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _cursors = new OdooSyncStore(dataSource, options, _time);
    }

    /// <summary>Refreshes one shadow table from the records changed since its cursor.</summary>
    /// <param name="model">Which shadow.</param>
    /// <param name="cancellationToken">Cancels between pages; committed pages stay.</param>
    /// <returns>How many records were upserted.</returns>
    /// <exception cref="OdooRpcException">Odoo answered with an error.</exception>
    public async Task<int> SyncAsync(OdooShadowModel model, CancellationToken cancellationToken = default)
    {
        (string odooModel, string[] fields) = model switch
        {
            OdooShadowModel.Projects => ("project.project", new[] { "id", "name", "active", "write_date" }),
            OdooShadowModel.Tasks => ("project.task", new[] { "id", "name", "project_id", "stage_id", "active", "write_date" }),
            OdooShadowModel.AccountMoves => ("account.move",
                new[] { "id", "name", "move_type", "state", "partner_id", "invoice_date", "amount_total", "currency_id", "write_date" }),
            _ => throw new ArgumentOutOfRangeException(nameof(model), model, "Unknown shadow model."),
        };

        DateTime? cursor = await _cursors.GetCursorAsync(odooModel, cancellationToken).ConfigureAwait(false);
        string? since = cursor?.ToString(OdooDateTimeFormat, CultureInfo.InvariantCulture);

        // ">=" rather than ">": records sharing the cursor's second are read again and upserted idempotently,
        // so none is skipped when a page boundary fell inside that second.
        int total = 0;
        var page = new List<JsonElement>();
        await foreach (JsonElement record in _client.SearchReadAsync(odooModel, writer =>
        {
            if (model != OdooShadowModel.AccountMoves)
            {
                writer.WriteStartArray();
                writer.WriteStringValue("active");
                writer.WriteStringValue("in");
                writer.WriteStartArray();
                writer.WriteBooleanValue(true);
                writer.WriteBooleanValue(false);
                writer.WriteEndArray();
                writer.WriteEndArray();
            }

            if (since is not null)
            {
                writer.WriteStartArray();
                writer.WriteStringValue("write_date");
                writer.WriteStringValue(">=");
                writer.WriteStringValue(since);
                writer.WriteEndArray();
            }
        }, fields, cancellationToken).ConfigureAwait(false))
        {
            page.Add(record.Clone());
            if (page.Count >= 200)
            {
                total += await WritePageAsync(model, odooModel, page, cancellationToken).ConfigureAwait(false);
                page.Clear();
            }
        }

        if (page.Count > 0)
        {
            total += await WritePageAsync(model, odooModel, page, cancellationToken).ConfigureAwait(false);
        }

        return total;
    }

    private async Task<int> WritePageAsync(OdooShadowModel model, string odooModel, List<JsonElement> records, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable scope = connection.ConfigureAwait(false);
        NpgsqlTransaction tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable txScope = tx.ConfigureAwait(false);
        DateTime newest = DateTime.MinValue;
        using var batch = new NpgsqlBatch(connection, tx);
        foreach (JsonElement record in records)
        {
            long id = record.GetProperty("id").GetInt64();
            DateTime writeDate = ParseOdooDateTime(record, "write_date")
                ?? throw new OdooRpcException($"{odooModel} record {id} has no write_date.");
            newest = writeDate > newest ? writeDate : newest;
            var command = new NpgsqlBatchCommand(model switch
            {
                OdooShadowModel.Projects => """
                    INSERT INTO odoo_seed.shadow_projects (instance, odoo_id, name, write_date, raw, synced_at, active)
                    VALUES ($1, $2, $3, $4, $5, $6, $7)
                    ON CONFLICT (instance, odoo_id) DO UPDATE SET name = excluded.name, active = excluded.active,
                        write_date = excluded.write_date, raw = excluded.raw, synced_at = excluded.synced_at
                    """,
                OdooShadowModel.Tasks => """
                    INSERT INTO odoo_seed.shadow_tasks (instance, odoo_id, name, write_date, raw, synced_at, active, project_odoo_id, stage)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                    ON CONFLICT (instance, odoo_id) DO UPDATE SET name = excluded.name, active = excluded.active,
                        write_date = excluded.write_date, raw = excluded.raw, synced_at = excluded.synced_at,
                        project_odoo_id = excluded.project_odoo_id, stage = excluded.stage
                    """,
                _ => """
                    INSERT INTO odoo_seed.shadow_account_moves (instance, odoo_id, name, write_date, raw, synced_at,
                        move_type, state, partner_name, invoice_date, amount_total, currency)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                    ON CONFLICT (instance, odoo_id) DO UPDATE SET name = excluded.name, write_date = excluded.write_date,
                        raw = excluded.raw, synced_at = excluded.synced_at, move_type = excluded.move_type, state = excluded.state,
                        partner_name = excluded.partner_name, invoice_date = excluded.invoice_date,
                        amount_total = excluded.amount_total, currency = excluded.currency
                    """,
            });
            command.Parameters.Add(new NpgsqlParameter { Value = _instance });
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            command.Parameters.Add(new NpgsqlParameter { Value = Text(record, "name") ?? "" });
            command.Parameters.Add(new NpgsqlParameter { Value = writeDate, NpgsqlDbType = NpgsqlDbType.Timestamp });
            command.Parameters.Add(new NpgsqlParameter { Value = record.GetRawText(), NpgsqlDbType = NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter { Value = now });
            if (model == OdooShadowModel.AccountMoves)
            {
                command.Parameters.Add(Nullable(Text(record, "move_type"), NpgsqlDbType.Text));
                command.Parameters.Add(Nullable(Text(record, "state"), NpgsqlDbType.Text));
                command.Parameters.Add(Nullable(ManyToOneName(record, "partner_id"), NpgsqlDbType.Text));
                command.Parameters.Add(Nullable(ParseOdooDate(record, "invoice_date"), NpgsqlDbType.Date));
                command.Parameters.Add(Nullable(
                    record.TryGetProperty("amount_total", out JsonElement amount) && amount.ValueKind == JsonValueKind.Number ? amount.GetDecimal() : null,
                    NpgsqlDbType.Numeric));
                command.Parameters.Add(Nullable(ManyToOneName(record, "currency_id"), NpgsqlDbType.Text));
            }
            else
            {
                command.Parameters.Add(new NpgsqlParameter { Value = !record.TryGetProperty("active", out JsonElement active) || active.ValueKind != JsonValueKind.False });
                if (model == OdooShadowModel.Tasks)
                {
                    command.Parameters.Add(Nullable(ManyToOneId(record, "project_id"), NpgsqlDbType.Bigint));
                    command.Parameters.Add(Nullable(ManyToOneName(record, "stage_id"), NpgsqlDbType.Text));
                }
            }

            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await _cursors.SetCursorAsync(connection, tx, odooModel, newest, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return records.Count;
    }

    private static NpgsqlParameter Nullable(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };

    // Odoo writes false, not null, for an empty field of any type.
    private static string? Text(JsonElement record, string field) =>
        record.TryGetProperty(field, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // A many2one reads as [id, "display name"] or false.
    private static long? ManyToOneId(JsonElement record, string field) =>
        record.TryGetProperty(field, out JsonElement value) && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0
            && value[0].TryGetInt64(out long id) ? id : null;

    private static string? ManyToOneName(JsonElement record, string field) =>
        record.TryGetProperty(field, out JsonElement value) && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 1
            && value[1].ValueKind == JsonValueKind.String ? value[1].GetString() : null;

    private static DateTime? ParseOdooDateTime(JsonElement record, string field) =>
        Text(record, field) is { } text && DateTime.TryParseExact(text, OdooDateTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime parsed)
            ? parsed : null;

    private static DateOnly? ParseOdooDate(JsonElement record, string field) =>
        Text(record, field) is { } text && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly parsed)
            ? parsed : null;
}
