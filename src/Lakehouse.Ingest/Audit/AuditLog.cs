using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace Lakehouse.Ingest;

/// <summary>The action names the family writes to <c>audit.events</c> (<c>noun.verb</c>, lower case).</summary>
public static class AuditActions
{
    /// <summary>A schema migration was applied (written by every package's <c>MigrateAsync</c>).</summary>
    public const string MigrationApply = "migration.apply";

    /// <summary>A tenant's pseudonymization (or other) key was rotated: <see cref="AuditLog.RecordKeyRotationAsync"/>.</summary>
    public const string KeyRotate = "key.rotate";

    /// <summary>A dataset version was published.</summary>
    public const string DatasetPublish = "dataset.publish";

    /// <summary>A dataset was rolled back to an earlier version.</summary>
    public const string DatasetRollback = "dataset.rollback";

    /// <summary>A dataset was exported to Parquet outside a publish.</summary>
    public const string DatasetExport = "dataset.export";

    /// <summary>An edge-device token was issued: <see cref="AuditLog.RecordTokenCreatedAsync"/>.</summary>
    public const string TokenCreate = "token.create";

    /// <summary>A webhook secret was set for the first time (e.g. a new subscription).</summary>
    public const string WebhookSecretSet = "webhook.secret.set";

    /// <summary>A webhook secret was replaced or added for rotation: <see cref="AuditLog.RecordSecretRotationAsync"/>.</summary>
    public const string WebhookSecretRotate = "webhook.secret.rotate";
}

/// <summary>One row of <c>audit.events</c>.</summary>
/// <param name="Id">The row id (ascending in insertion order).</param>
/// <param name="OccurredAt">When it happened.</param>
/// <param name="Actor">Who did it: the name given to <see cref="AuditLog"/>, else the database session user.</param>
/// <param name="Action">What was done, e.g. <see cref="AuditActions.DatasetPublish"/>.</param>
/// <param name="Target">What it was done to (the <c>object</c> column) (a dataset and version, a migration, a device), or null.</param>
/// <param name="Details">A JSON object with the particulars (never secrets or tokens).</param>
public sealed record AuditEntry(long Id, DateTimeOffset OccurredAt, string Actor, string Action, string? Target, string Details);

/// <summary>
/// Writes the family's append-only audit trail, <c>audit.events</c> (created by <see cref="IngestSchema"/>; no
/// application role may update, delete or truncate it). Every write is one parameterized <c>INSERT</c>; pass the
/// connection and transaction of the change being audited so that the record commits, or rolls back, with it.
/// </summary>
/// <remarks>The role writing needs <c>INSERT</c> on <c>audit.events</c> (service_role has it).</remarks>
public sealed class AuditLog
{
    private const string InsertSql =
        "INSERT INTO audit.events (occurred_at, actor, action, object, details) VALUES ($1, coalesce($2, session_user), $3, $4, $5) RETURNING id";

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates an audit log over <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">The database holding <c>audit.events</c>; used when a call brings no connection of its own.</param>
    /// <param name="timeProvider">The clock for <c>occurred_at</c>; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="actor">Who the records are written for (an operator, a host name); null = the database session user.</param>
    public AuditLog(NpgsqlDataSource dataSource, TimeProvider? timeProvider = null, string? actor = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _timeProvider = timeProvider ?? TimeProvider.System;
        Actor = string.IsNullOrWhiteSpace(actor) ? null : actor;
    }

    /// <summary>The database the log writes to when a call brings no connection.</summary>
    public NpgsqlDataSource DataSource => _dataSource;

    /// <summary>The actor written with every record; null = the database session user.</summary>
    public string? Actor { get; }

    /// <summary>The same log writing for another actor.</summary>
    /// <param name="actor">The actor; null = the database session user.</param>
    /// <returns>A new log over the same database and clock.</returns>
    public AuditLog WithActor(string? actor) => new(_dataSource, _timeProvider, actor);

    /// <summary>Appends one event.</summary>
    /// <param name="action">What was done, <c>noun.verb</c> in lower case (see <see cref="AuditActions"/>).</param>
    /// <param name="target">What it was done to; optional.</param>
    /// <param name="details">Particulars as a JSON object; optional. Never put secrets, tokens or personal data here.</param>
    /// <param name="connection">An open connection to write on (e.g. the audited change's); null = a new one from the data source.</param>
    /// <param name="transaction">The transaction of <paramref name="connection"/> to write in; optional.</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    /// <returns>The event's id.</returns>
    /// <exception cref="ArgumentException">The action is not <c>noun.verb</c> in lower case.</exception>
    /// <exception cref="PostgresException">No <c>audit.events</c> table, or the role may not insert into it.</exception>
    public async Task<long> RecordAsync(
        string action, string? target, JsonObject? details = null, NpgsqlConnection? connection = null, NpgsqlTransaction? transaction = null,
        CancellationToken cancellationToken = default)
    {
        CheckAction(action);
        if (connection is not null)
        {
            return await InsertAsync(connection, transaction, action, target, details, cancellationToken).ConfigureAwait(false);
        }

        NpgsqlConnection own = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (own.ConfigureAwait(false))
        {
            return await InsertAsync(own, null, action, target, details, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Appends one event when the database has an audit trail (<c>audit.events</c> exists), else does nothing: for
    /// components that also run against databases migrated without <see cref="IngestSchema"/>.
    /// </summary>
    /// <param name="action">What was done (see <see cref="AuditActions"/>).</param>
    /// <param name="target">What it was done to; optional.</param>
    /// <param name="details">Particulars as a JSON object; optional.</param>
    /// <param name="connection">An open connection to write on; null = a new one from the data source.</param>
    /// <param name="transaction">The transaction of <paramref name="connection"/>; optional.</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    /// <returns>The event's id, or null when the database has no audit trail.</returns>
    public async Task<long?> TryRecordAsync(
        string action, string? target, JsonObject? details = null, NpgsqlConnection? connection = null, NpgsqlTransaction? transaction = null,
        CancellationToken cancellationToken = default)
    {
        CheckAction(action);
        if (connection is not null)
        {
            return await TryInsertAsync(connection, transaction, action, target, details, cancellationToken).ConfigureAwait(false);
        }

        NpgsqlConnection own = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (own.ConfigureAwait(false))
        {
            return await TryInsertAsync(own, null, action, target, details, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Records a key rotation (<see cref="AuditActions.KeyRotate"/>): which tenant's key, the key ids before and after.
    /// Key material is never recorded.
    /// </summary>
    /// <param name="keyName">Which key: e.g. <c>pseudonym:tenant-a</c>.</param>
    /// <param name="previousKeyId">The key id that was current; null for a first key.</param>
    /// <param name="newKeyId">The key id now current.</param>
    /// <param name="details">Further particulars (e.g. rows re-keyed); optional.</param>
    /// <param name="connection">The rotation's connection; optional.</param>
    /// <param name="transaction">The rotation's transaction; optional.</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    /// <returns>The event's id.</returns>
    public Task<long> RecordKeyRotationAsync(
        string keyName, string? previousKeyId, string newKeyId, JsonObject? details = null, NpgsqlConnection? connection = null,
        NpgsqlTransaction? transaction = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyName);
        ArgumentException.ThrowIfNullOrWhiteSpace(newKeyId);
        JsonObject all = details is null ? [] : (JsonObject)details.DeepClone();
        all["previous_key_id"] = previousKeyId;
        all["new_key_id"] = newKeyId;
        return RecordAsync(AuditActions.KeyRotate, keyName, all, connection, transaction, cancellationToken);
    }

    /// <summary>
    /// Records that a webhook secret was set or rotated (<see cref="AuditActions.WebhookSecretRotate"/>), with a short
    /// fingerprint of the new secret (<see cref="Fingerprint"/>) so operators can tell which one is live, never the secret.
    /// Call it where a secret that lives outside the database changes, e.g. the Odoo webhook secrets in configuration.
    /// </summary>
    /// <param name="secretName">Which secret: e.g. <c>odoo.webhook</c> or <c>publisher.subscription:42</c>.</param>
    /// <param name="newSecret">The new secret; only its fingerprint is written.</param>
    /// <param name="details">Further particulars; optional.</param>
    /// <param name="connection">The change's connection; optional.</param>
    /// <param name="transaction">The change's transaction; optional.</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    /// <returns>The event's id.</returns>
    public Task<long> RecordSecretRotationAsync(
        string secretName, string newSecret, JsonObject? details = null, NpgsqlConnection? connection = null,
        NpgsqlTransaction? transaction = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secretName);
        ArgumentException.ThrowIfNullOrEmpty(newSecret);
        JsonObject all = details is null ? [] : (JsonObject)details.DeepClone();
        all["secret_fingerprint"] = Fingerprint(newSecret);
        return RecordAsync(AuditActions.WebhookSecretRotate, secretName, all, connection, transaction, cancellationToken);
    }

    /// <summary>
    /// Records an issued edge-device token (<see cref="AuditActions.TokenCreate"/>): device, role, expiry and the
    /// token's fingerprint (<see cref="Fingerprint"/>, enough to recognise it in a later incident), never the token.
    /// </summary>
    /// <param name="deviceName">The device (<c>sub</c>).</param>
    /// <param name="role">The role claim.</param>
    /// <param name="expiresAt">The token's expiry.</param>
    /// <param name="token">The token; only its fingerprint is written.</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    /// <returns>The event's id.</returns>
    public Task<long> RecordTokenCreatedAsync(string deviceName, string role, DateTimeOffset expiresAt, string token, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceName);
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        ArgumentException.ThrowIfNullOrEmpty(token);
        var details = new JsonObject
        {
            ["device"] = deviceName,
            ["role"] = role,
            ["expires_at"] = expiresAt.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["token_fingerprint"] = Fingerprint(token),
        };
        return RecordAsync(AuditActions.TokenCreate, "device:" + deviceName, details, null, null, cancellationToken);
    }

    /// <summary>Reads the latest events, newest first.</summary>
    /// <param name="action">Only this action; null = all.</param>
    /// <param name="limit">At most this many (1–10000).</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The events.</returns>
    public async Task<IReadOnlyList<AuditEntry>> ReadLatestAsync(string? action = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 10_000);
        using NpgsqlCommand command = _dataSource.CreateCommand(
            "SELECT id, occurred_at, actor, action, object, details::text FROM audit.events WHERE $1::text IS NULL OR action = $1 ORDER BY id DESC LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)action ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var list = new List<AuditEntry>();
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(new AuditEntry(
                    reader.GetInt64(0),
                    reader.GetFieldValue<DateTimeOffset>(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.GetString(5)));
            }
        }

        return list;
    }

    /// <summary>
    /// A short, non-reversible fingerprint of a secret or token: the first 16 lower-case hex digits of its SHA-256.
    /// </summary>
    /// <param name="secret">The secret or token.</param>
    /// <returns>16 hex digits.</returns>
    public static string Fingerprint(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(secret), hash);
        return Convert.ToHexStringLower(hash[..8]);
    }

    private static void CheckAction(string action)
    {
        ArgumentException.ThrowIfNullOrEmpty(action);
        int dot = action.IndexOf('.', StringComparison.Ordinal);
        bool ok = dot > 0 && dot < action.Length - 1 && char.IsAsciiLetterLower(action[0]) && action[^1] != '.';
        for (int i = 0; ok && i < action.Length; i++)
        {
            char c = action[i];
            ok = char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_' || (c == '.' && action[i - 1] != '.' && char.IsAsciiLetterLower(action[i + 1]));
        }

        if (!ok)
        {
            throw new ArgumentException($"audit action '{action}' must be noun.verb in lower case (letters, digits, '_', dot-separated)", nameof(action));
        }
    }

    private async Task<long?> TryInsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string action, string? target, JsonObject? details, CancellationToken cancellationToken)
    {
        using (var exists = new NpgsqlCommand("SELECT to_regclass('audit.events') IS NOT NULL", connection, transaction))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return null;
            }
        }

        return await InsertAsync(connection, transaction, action, target, details, cancellationToken).ConfigureAwait(false);
    }

    private async Task<long> InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string action, string? target, JsonObject? details, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(InsertSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = _timeProvider.GetUtcNow(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)Actor ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = action, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)target ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = details?.ToJsonString() ?? "{}", NpgsqlDbType = NpgsqlDbType.Jsonb });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
