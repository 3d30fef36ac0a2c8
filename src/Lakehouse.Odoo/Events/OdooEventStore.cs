using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Lakehouse.Odoo;

/// <summary>
/// The durable store of inbound Odoo webhooks, <c>odoo.webhook_events</c>: append once per idempotency key,
/// then lease, complete or fail through <see cref="OdooEventProcessor"/>. Every state change is written to
/// <c>odoo.event_log</c>.
/// </summary>
public sealed class OdooEventStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly OdooOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates a store over <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">The database holding the <c>odoo</c> schema (see <see cref="OdooSchema"/>).</param>
    /// <param name="options">Retry and lease settings.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public OdooEventStore(NpgsqlDataSource dataSource, IOptions<OdooOptions> options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _options = options.Value;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Stores a verified webhook body <c>{event_type, aggregate_type, aggregate_id, payload[, event_id]}</c> as a
    /// pending event, unless one with the same idempotency key is already stored: the body's <c>event_id</c> when it
    /// is a non-blank string or a number (numbers by exact value, so <c>42</c>, <c>42.0</c> and <c>"42"</c> are one
    /// event), else — absent, <c>null</c> or blank — the SHA-256 of the body bytes; an <c>event_id</c> of another JSON
    /// type makes the body invalid. Returns only after the row is committed, so a host may answer
    /// 2xx as soon as this completes.
    /// </summary>
    /// <param name="body">The raw request body, exactly as received and verified.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Stored, duplicate (with the earlier id) or invalid (with the reason).</returns>
    public async Task<OdooAppendResult> AppendAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        if (!TryParse(body.Span, out ParsedBody parsed, out string? error))
        {
            return new OdooAppendResult(OdooAppendOutcome.Invalid, 0, null, error);
        }

        DateTimeOffset now = _time.GetUtcNow();
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable scope = connection.ConfigureAwait(false);
        using var command = new NpgsqlCommand("""
            WITH ins AS (
                INSERT INTO odoo.webhook_events
                    (idempotency_key, event_type, aggregate_type, aggregate_id, payload, received_at, available_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $6, $6)
                ON CONFLICT (idempotency_key) DO NOTHING
                RETURNING id),
            log AS (
                INSERT INTO odoo.event_log (event_id, at, from_status, to_status, attempt, message)
                SELECT id, $6, NULL, 'pending', 0, 'received' FROM ins)
            SELECT id, true FROM ins
            UNION ALL
            SELECT id, false FROM odoo.webhook_events WHERE idempotency_key = $1 AND NOT EXISTS (SELECT 1 FROM ins)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = parsed.Key });
        command.Parameters.Add(new NpgsqlParameter { Value = parsed.EventType });
        command.Parameters.Add(new NpgsqlParameter { Value = parsed.AggregateType });
        command.Parameters.Add(new NpgsqlParameter { Value = parsed.AggregateId });
        command.Parameters.Add(new NpgsqlParameter { Value = parsed.PayloadJson, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        NpgsqlDataReader reader;
        try
        {
            reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState.StartsWith("22", StringComparison.Ordinal))
        {
            // Class 22, data exception: PostgreSQL refuses a value of the body (jsonb refuses \u0000, a number beyond
            // numeric's range...). Retrying cannot help, so it is an invalid body, not a failure to store.
            return new OdooAppendResult(OdooAppendOutcome.Invalid, 0, null, $"PostgreSQL refuses the body ({e.SqlState}): {e.MessageText}");
        }

        await using ConfiguredAsyncDisposable readerScope = reader.ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // The conflicting row was inserted by a concurrent transaction that is not visible to this
            // statement's snapshot yet: it is a duplicate all the same.
            return new OdooAppendResult(OdooAppendOutcome.Duplicate, 0, parsed.Key, null);
        }

        long id = reader.GetInt64(0);
        return new OdooAppendResult(reader.GetBoolean(1) ? OdooAppendOutcome.Stored : OdooAppendOutcome.Duplicate, id, parsed.Key, null);
    }

    /// <summary>Puts failed events back to pending with a fresh attempt budget, e.g. after deploying a fixed handler.</summary>
    /// <param name="eventType">Only events of this type; all failed events when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>How many events were requeued.</returns>
    public async Task<int> RequeueFailedAsync(string? eventType = null, CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = _time.GetUtcNow();
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable scope = connection.ConfigureAwait(false);
        using var command = new NpgsqlCommand("""
            WITH up AS (
                UPDATE odoo.webhook_events SET status = 'pending', attempts = 0, available_at = $1, updated_at = $1,
                       leased_by = NULL, lease_expires_at = NULL
                WHERE status = 'failed' AND ($2::text IS NULL OR event_type = $2)
                RETURNING id)
            INSERT INTO odoo.event_log (event_id, at, from_status, to_status, attempt, message)
            SELECT id, $1, 'failed', 'pending', 0, 'requeued' FROM up
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)eventType ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    internal async Task<List<OdooEvent>> LeaseAsync(string worker, int max, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable scope = connection.ConfigureAwait(false);

        // A lease that ran out means its processor died (or hung) mid-handler: the attempt counts, and the
        // event is retried, or failed when that was its last attempt. SKIP LOCKED lets several processors
        // lease side by side without waiting on, or taking, each other's rows.
        using var command = new NpgsqlCommand("""
            WITH expired AS (
                UPDATE odoo.webhook_events SET status = 'failed', last_error = 'lease expired on the last attempt',
                       leased_by = NULL, lease_expires_at = NULL, updated_at = $1
                WHERE id IN (SELECT id FROM odoo.webhook_events
                             WHERE status = 'processing' AND lease_expires_at <= $1 AND attempts >= $4
                             FOR UPDATE SKIP LOCKED)
                RETURNING id, attempts),
            expired_log AS (
                INSERT INTO odoo.event_log (event_id, at, from_status, to_status, attempt, worker, message)
                SELECT id, $1, 'processing', 'failed', attempts, $2, 'lease expired on the last attempt' FROM expired),
            next AS (
                SELECT id, status FROM odoo.webhook_events
                WHERE (status = 'pending' AND available_at <= $1)
                   OR (status = 'processing' AND lease_expires_at <= $1 AND attempts < $4)
                ORDER BY available_at, id
                LIMIT $3
                FOR UPDATE SKIP LOCKED),
            leased AS (
                UPDATE odoo.webhook_events e
                SET status = 'processing', attempts = e.attempts + 1, leased_by = $2,
                    lease_expires_at = $1 + $5::interval, updated_at = $1
                FROM next WHERE e.id = next.id
                RETURNING e.id, e.idempotency_key, e.event_type, e.aggregate_type, e.aggregate_id, e.payload::text,
                          e.attempts, e.received_at, next.status AS previous_status),
            leased_log AS (
                INSERT INTO odoo.event_log (event_id, at, from_status, to_status, attempt, worker, message)
                SELECT id, $1, previous_status, 'processing', attempts, $2,
                       CASE WHEN previous_status = 'processing' THEN 'lease taken over after expiry' ELSE 'leased' END
                FROM leased)
            SELECT id, idempotency_key, event_type, aggregate_type, aggregate_id, payload, attempts, received_at FROM leased
            ORDER BY id
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = worker });
        command.Parameters.Add(new NpgsqlParameter { Value = max });
        command.Parameters.Add(new NpgsqlParameter { Value = _options.MaxAttempts });
        command.Parameters.Add(new NpgsqlParameter { Value = _options.LeaseDuration, NpgsqlDbType = NpgsqlDbType.Interval });
        var events = new List<OdooEvent>();
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(new OdooEvent(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetInt32(6), reader.GetFieldValue<DateTimeOffset>(7)));
        }

        return events;
    }

    /// <summary>Marks a leased event completed; false when the lease was lost (another processor took it over).</summary>
    internal async Task<bool> CompleteAsync(OdooEvent leased, string worker, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable scope = connection.ConfigureAwait(false);
        using var command = new NpgsqlCommand("""
            WITH up AS (
                UPDATE odoo.webhook_events SET status = 'completed', completed_at = $1, updated_at = $1, last_error = NULL,
                       leased_by = NULL, lease_expires_at = NULL
                WHERE id = $2 AND status = 'processing' AND leased_by = $3 AND attempts = $4
                RETURNING id, attempts)
            INSERT INTO odoo.event_log (event_id, at, from_status, to_status, attempt, worker, message)
            SELECT id, $1, 'processing', 'completed', attempts, $3, NULL FROM up
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = leased.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = worker });
        command.Parameters.Add(new NpgsqlParameter { Value = leased.Attempt });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Records a failed attempt: retried after a backoff, or failed for good on the last attempt.</summary>
    internal async Task<bool> FailAsync(OdooEvent leased, string worker, string error, bool final, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        final |= leased.Attempt >= _options.MaxAttempts;
        DateTimeOffset retryAt = now + RetryDelay(leased.Attempt);
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable scope = connection.ConfigureAwait(false);
        using var command = new NpgsqlCommand("""
            WITH up AS (
                UPDATE odoo.webhook_events SET status = $5, last_error = $6, available_at = $7, updated_at = $1,
                       leased_by = NULL, lease_expires_at = NULL
                WHERE id = $2 AND status = 'processing' AND leased_by = $3 AND attempts = $4
                RETURNING id, attempts)
            INSERT INTO odoo.event_log (event_id, at, from_status, to_status, attempt, worker, message)
            SELECT id, $1, 'processing', $5, attempts, $3, $6 FROM up
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = leased.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = worker });
        command.Parameters.Add(new NpgsqlParameter { Value = leased.Attempt });
        command.Parameters.Add(new NpgsqlParameter { Value = final ? "failed" : "pending" });
        command.Parameters.Add(new NpgsqlParameter { Value = error.Length > 4000 ? error[..4000] : error });
        command.Parameters.Add(new NpgsqlParameter { Value = retryAt });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Exponential backoff from <see cref="OdooOptions.RetryBaseDelay"/>, capped, with ±20 % jitter.</summary>
    internal TimeSpan RetryDelay(int attempt)
    {
        double baseMs = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        double capped = Math.Min(baseMs, _options.RetryMaxDelay.TotalMilliseconds);
        double jitter = 0.8 + (0.4 * Random.Shared.NextDouble());
        return TimeSpan.FromMilliseconds(capped * jitter);
    }

    private readonly record struct ParsedBody(string Key, string EventType, string AggregateType, string AggregateId, string PayloadJson);

    private static bool TryParse(ReadOnlySpan<byte> body, out ParsedBody parsed, out string? error)
    {
        parsed = default;
        if (body.Trim(" \t\r\n"u8).IsEmpty)
        {
            error = "body is empty";
            return false;
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!JsonDocument.TryParseValue(ref reader, out JsonDocument? parsedDocument))
            {
                error = "body is empty";
                return false;
            }

            document = parsedDocument;
        }
        catch (JsonException e)
        {
            error = "body is not valid JSON: " + e.Message;
            return false;
        }

        using (document)
        {
            try
            {
                return TryParse(document.RootElement, body, out parsed, out error);
            }
            catch (InvalidOperationException)
            {
                // GetString cannot transcode a lone surrogate escape ("\ud800"), which jsonb refuses too.
                error = "body has a string that is not valid Unicode (a lone surrogate escape)";
                return false;
            }
        }
    }

    private static bool TryParse(JsonElement root, ReadOnlySpan<byte> body, out ParsedBody parsed, out string? error)
    {
        parsed = default;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "body is not a JSON object";
            return false;
        }

        if (!TryText(root, "event_type", out string? eventType, out error)
            || !TryText(root, "aggregate_type", out string? aggregateType, out error)
            || !TryText(root, "aggregate_id", out string? aggregateId, out error))
        {
            return false;
        }

        if (!root.TryGetProperty("payload", out JsonElement payload) || payload.ValueKind is JsonValueKind.Undefined)
        {
            error = "field 'payload' is missing";
            return false;
        }

        if (!TryEventIdKey(root, out string? key, out error))
        {
            return false;
        }

        key ??= "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));

        parsed = new ParsedBody(key, eventType!, aggregateType!, aggregateId!, payload.GetRawText());
        error = null;
        return true;
    }

    /// <summary>
    /// The idempotency key from the body's <c>event_id</c>: <c>"event:" + id</c>, or <see langword="null"/> when there is
    /// no usable id (absent, <c>null</c>, or a string of only white space), so the body's SHA-256 stands in. A string id
    /// is taken exactly (after unescaping); a number id by its exact decimal value, so <c>42</c>, <c>42.0</c>,
    /// <c>4.2e1</c> and the string <c>"42"</c> name one event. Any other JSON type is refused.
    /// </summary>
    internal static bool TryEventIdKey(JsonElement root, out string? key, out string? error)
    {
        key = null;
        error = null;
        if (!root.TryGetProperty("event_id", out JsonElement eventId))
        {
            return true;
        }

        switch (eventId.ValueKind)
        {
            case JsonValueKind.Null:
                return true;
            case JsonValueKind.String:
                string text = eventId.GetString()!;
                if (!string.IsNullOrWhiteSpace(text))
                {
                    key = "event:" + text;
                }

                return true;
            case JsonValueKind.Number:
                key = "event:" + CanonicalNumber(eventId.GetRawText());
                return true;
            default:
                error = string.Create(CultureInfo.InvariantCulture, $"field 'event_id' must be a string or a number, not {eventId.ValueKind}");
                return false;
        }
    }

    /// <summary>
    /// The exact decimal value of a JSON number in one spelling: no exponent, no leading or trailing zeros, no
    /// negative zero (<c>-4.20e1</c> → <c>-42</c>, <c>0.5e-2</c> → <c>0.005</c>). Values whose exponent would need
    /// more than 1000 zeros are written <c>{digits}e{exponent}</c> with the digits' trailing zeros removed, still one
    /// spelling per value and never equal to a plain decimal.
    /// </summary>
    internal static string CanonicalNumber(string json)
    {
        ReadOnlySpan<char> text = json;
        bool negative = text.StartsWith('-');
        if (negative)
        {
            text = text[1..];
        }

        int e = text.IndexOfAny('e', 'E');
        System.Numerics.BigInteger exponent = 0;
        if (e >= 0)
        {
            exponent = System.Numerics.BigInteger.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        int dot = text.IndexOf('.');
        string digits = dot < 0 ? text.ToString() : string.Concat(text[..dot], text[(dot + 1)..]);
        if (dot >= 0)
        {
            exponent -= text.Length - dot - 1;
        }

        digits = digits.TrimStart('0');
        if (digits.Length == 0)
        {
            return "0";
        }

        int trailing = digits.Length - digits.TrimEnd('0').Length;
        digits = digits[..^trailing];
        exponent += trailing;
        string sign = negative ? "-" : "";
        if (exponent >= 0 && exponent <= 1000)
        {
            return sign + digits + new string('0', (int)exponent);
        }

        if (exponent < 0 && -exponent <= 1000 + digits.Length)
        {
            int point = digits.Length + (int)exponent;
            return point > 0
                ? sign + digits[..point] + "." + digits[point..]
                : sign + "0." + new string('0', -point) + digits;
        }

        return sign + digits + "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }

    private static bool TryText(JsonElement root, string name, out string? value, out string? error)
    {
        value = null;
        error = null;
        if (!root.TryGetProperty(name, out JsonElement element))
        {
            error = $"field '{name}' is missing";
            return false;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.String when element.GetString()!.Trim().Length > 0:
                value = element.GetString();
                return true;
            case JsonValueKind.Number:
                // Odoo record ids arrive as numbers: keep their exact spelling.
                value = element.GetRawText();
                return true;
            default:
                error = string.Create(CultureInfo.InvariantCulture, $"field '{name}' must be a non-empty string or a number, not {element.ValueKind}");
                return false;
        }
    }
}
