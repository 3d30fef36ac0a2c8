using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace Lakehouse.Ingest;

/// <summary>
/// Loads validated transaction events into <c>scout.bronze_transactions</c>: each batch goes by binary COPY into a
/// temporary staging table and is merged with <c>INSERT … ON CONFLICT (store_id, event_hash) DO NOTHING</c> in one
/// transaction, together with its rejects (<c>scout.bronze_rejects</c>) and the per-device counters
/// (<c>scout.ingestion_status</c>). Replaying any batch any number of times adds no bronze row.
/// After a commit that inserted rows it sends <c>NOTIFY lakehouse_bronze</c> with the count as payload.
/// </summary>
/// <remarks>Thread-safe: concurrent loads use separate connections from the data source (which the caller owns).</remarks>
public sealed partial class BronzeLoader
{
    /// <summary>
    /// The name of the <see cref="System.Diagnostics.Metrics.Meter"/> the loader reports on: the counter
    /// <c>lakehouse.ingest.events</c> (tag <c>outcome</c> = <c>inserted</c>, <c>duplicate</c> or <c>rejected</c>) and
    /// <c>lakehouse.ingest.batches</c>, recorded after each commit.
    /// </summary>
    public const string MeterName = "Lakehouse.Ingest";

    /// <summary>The channel notified after a commit that inserted rows.</summary>
    public const string NotifyChannel = "lakehouse_bronze";

    private const string StageSql = """
        CREATE TEMP TABLE lh_bronze_stage (store_id text, event_hash bytea, raw text, device_id text, transaction_id text,
            source text, source_line bigint, source_offset bigint) ON COMMIT DROP;
        CREATE TEMP TABLE lh_reject_stage (source text, line bigint, source_offset bigint, reason text, field text,
            message text, device_id text, raw bytea) ON COMMIT DROP;
        """;

    // Every INSERT takes its row locks in key order, so concurrent loads touching the same keys (the same device's
    // status row, a replayed event) wait for each other instead of deadlocking.
    private const string MergeSql = """
        WITH ins AS (
            INSERT INTO scout.bronze_transactions (store_id, event_hash, raw, device_id, transaction_id, source, source_line, source_offset)
            SELECT store_id, event_hash, raw, device_id, transaction_id, source, source_line, source_offset FROM lh_bronze_stage
            ORDER BY store_id, event_hash
            ON CONFLICT (store_id, event_hash) DO NOTHING
            RETURNING coalesce(device_id, '') AS d),
        ins_by AS (SELECT d, count(*) AS n FROM ins GROUP BY d),
        staged_by AS (SELECT coalesce(device_id, '') AS d, count(*) AS n FROM lh_bronze_stage GROUP BY 1),
        rej AS (
            INSERT INTO scout.bronze_rejects (source, line, source_offset, reason, field, message, device_id, raw, raw_sha256)
            SELECT source, line, source_offset, reason, field, message, device_id, raw, sha256(raw) FROM lh_reject_stage
            ORDER BY source, source_offset
            ON CONFLICT (source, source_offset, raw_sha256) DO NOTHING),
        extra AS (SELECT * FROM unnest(@devices::text[], @dups::bigint[], @rejects::bigint[]) AS e(d, dups, rejects)),
        counts AS (
            SELECT d, sum(acc)::bigint AS acc, sum(dup)::bigint AS dup, sum(rj)::bigint AS rj FROM (
                SELECT s.d, coalesce(i.n, 0) AS acc, s.n - coalesce(i.n, 0) AS dup, 0::bigint AS rj FROM staged_by s LEFT JOIN ins_by i USING (d)
                UNION ALL SELECT d, 0, dups, rejects FROM extra) u
            GROUP BY d),
        upd AS (
            INSERT INTO scout.ingestion_status AS st (device_id, day, accepted, duplicates, rejected, first_seen, last_seen)
            SELECT d, (now() AT TIME ZONE 'Asia/Manila')::date, acc, dup, rj, now(), now() FROM counts ORDER BY d
            ON CONFLICT (device_id, day) DO UPDATE SET accepted = st.accepted + EXCLUDED.accepted,
                duplicates = st.duplicates + EXCLUDED.duplicates, rejected = st.rejected + EXCLUDED.rejected, last_seen = EXCLUDED.last_seen)
        SELECT coalesce((SELECT sum(n) FROM ins_by), 0)::bigint
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly IngestOptions _options;
    private readonly BronzeLoaderOptions _loaderOptions;
    private readonly ILogger _logger;

    /// <summary>A loader writing through <paramref name="dataSource"/> (never created or disposed here).</summary>
    /// <param name="dataSource">The caller's data source; migrate it first with <see cref="IngestSchema.MigrateAsync"/>.</param>
    /// <param name="options">Reader, validation and dedup-window options; defaults when <see langword="null"/>.</param>
    /// <param name="loaderOptions">Batching options; defaults when <see langword="null"/>.</param>
    /// <param name="logger">Receives one line per batch; optional.</param>
    public BronzeLoader(NpgsqlDataSource dataSource, IngestOptions? options = null, BronzeLoaderOptions? loaderOptions = null, ILogger<BronzeLoader>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _options = options ?? new IngestOptions();
        _loaderOptions = loaderOptions ?? new BronzeLoaderOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Window = DedupWindow.FromOptions(_options);
    }

    internal NpgsqlDataSource DataSource => _dataSource;

    /// <summary>The in-process dedup window shared by this loader's loads, or <see langword="null"/> when turned off.</summary>
    public DedupWindow? Window { get; }

    /// <summary>The reader and validation options this loader applies.</summary>
    public IngestOptions Options => _options;

    /// <summary>Reads JSON Lines from <paramref name="utf8Jsonl"/> and loads them.</summary>
    /// <param name="utf8Jsonl">The input (left open).</param>
    /// <param name="source">Where the lines came from.</param>
    /// <param name="progress">Receives the running totals after each batch; optional.</param>
    /// <param name="cancellationToken">Cancels; the batch in flight rolls back, committed batches stay.</param>
    /// <returns>The counts.</returns>
    public Task<BronzeLoadResult> LoadAsync(Stream utf8Jsonl, BronzeSource source, IProgress<BronzeLoadResult>? progress = null, CancellationToken cancellationToken = default) =>
        LoadAsync(utf8Jsonl, source, null, progress, cancellationToken);

    /// <summary>Reads JSON Lines from <paramref name="utf8Jsonl"/> and loads them, reporting each rejected line as it is read.</summary>
    /// <param name="utf8Jsonl">The input (left open).</param>
    /// <param name="source">Where the lines came from.</param>
    /// <param name="onRejected">Called once per rejected line, in input order (before its batch commits); optional.</param>
    /// <param name="progress">Receives the running totals after each batch; optional.</param>
    /// <param name="cancellationToken">Cancels; the batch in flight rolls back, committed batches stay.</param>
    /// <returns>The counts.</returns>
    public async Task<BronzeLoadResult> LoadAsync(Stream utf8Jsonl, BronzeSource source, Action<IngestError>? onRejected, IProgress<BronzeLoadResult>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(utf8Jsonl);
        using JsonlReader reader = JsonlReader.Create(utf8Jsonl, _options, leaveOpen: true);
        return await LoadAsync(reader, source, onRejected, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads every line <paramref name="reader"/> yields (valid lines to bronze, bad ones to the rejects).</summary>
    /// <param name="reader">A reader positioned before its first line; consumed to its end.</param>
    /// <param name="source">Where the lines came from.</param>
    /// <param name="progress">Receives the running totals after each batch; optional.</param>
    /// <param name="cancellationToken">Cancels; the batch in flight rolls back, committed batches stay.</param>
    /// <returns>The counts.</returns>
    public Task<BronzeLoadResult> LoadAsync(JsonlReader reader, BronzeSource source, IProgress<BronzeLoadResult>? progress = null, CancellationToken cancellationToken = default) =>
        LoadAsync(reader, source, null, progress, cancellationToken);

    /// <summary>
    /// Loads every line <paramref name="reader"/> yields (valid lines to bronze, bad ones to the rejects), reporting each
    /// rejected line to <paramref name="onRejected"/> as it is read; a load without rejects calls nothing and allocates
    /// nothing more.
    /// </summary>
    /// <param name="reader">A reader positioned before its first line; consumed to its end.</param>
    /// <param name="source">Where the lines came from.</param>
    /// <param name="onRejected">Called once per rejected line, in input order (before its batch commits); optional.</param>
    /// <param name="progress">Receives the running totals after each batch; optional.</param>
    /// <param name="cancellationToken">Cancels; the batch in flight rolls back, committed batches stay.</param>
    /// <returns>The counts.</returns>
    public async Task<BronzeLoadResult> LoadAsync(JsonlReader reader, BronzeSource source, Action<IngestError>? onRejected, IProgress<BronzeLoadResult>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentException.ThrowIfNullOrEmpty(source.Name);
        var batch = new Batch(_loaderOptions.BatchSize) { SourceName = source.Name };
        BronzeLoadResult total = default;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            Collect(reader, source, batch, onRejected);
            if (batch.Size >= _loaderOptions.BatchSize)
            {
                total += await FlushAsync(batch, cancellationToken).ConfigureAwait(false);
                progress?.Report(total);
            }
        }

        if (batch.Size > 0 || batch.WindowDuplicates > 0)
        {
            total += await FlushAsync(batch, cancellationToken).ConfigureAwait(false);
            progress?.Report(total);
        }

        return total;
    }

    /// <summary>Reads the ingestion counters, newest day first.</summary>
    /// <param name="day">Only this day (Philippine time); all days when <see langword="null"/>.</param>
    /// <param name="deviceId">Only this device; all when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>One entry per device and day.</returns>
    public async Task<IReadOnlyList<IngestionStatus>> GetStatusAsync(DateOnly? day = null, string? deviceId = null, CancellationToken cancellationToken = default)
    {
        using NpgsqlCommand command = _dataSource.CreateCommand("""
            SELECT device_id, day, accepted, duplicates, rejected, first_seen, last_seen FROM scout.ingestion_status
            WHERE (@day IS NULL OR day = @day) AND (@device IS NULL OR device_id = @device)
            ORDER BY day DESC, device_id
            """);
        command.Parameters.Add(new NpgsqlParameter<DateOnly?>("day", NpgsqlDbType.Date) { TypedValue = day });
        command.Parameters.Add(new NpgsqlParameter<string?>("device", NpgsqlDbType.Text) { TypedValue = deviceId });
        var list = new List<IngestionStatus>();
        NpgsqlDataReader rows = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (rows.ConfigureAwait(false))
        {
            while (await rows.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(new IngestionStatus(rows.GetString(0), rows.GetFieldValue<DateOnly>(1), rows.GetInt64(2), rows.GetInt64(3), rows.GetInt64(4),
                    rows.GetFieldValue<DateTimeOffset>(5), rows.GetFieldValue<DateTimeOffset>(6)));
            }
        }

        return list;
    }

    // Sync: the record view is a ref struct and cannot live across the awaits of the load loop.
    private void Collect(JsonlReader reader, BronzeSource source, Batch batch, Action<IngestError>? onRejected)
    {
        batch.Lines++;
        if (!reader.IsValid)
        {
            IngestError e = reader.Error;
            onRejected?.Invoke(e);
            ReadOnlySpan<byte> raw = reader.CurrentRaw;
            batch.Rejects.Add(new RejectRow(e, source.DeviceId, raw[..Math.Min(raw.Length, _loaderOptions.MaxRejectBytes)].ToArray()));
            batch.Count(source.DeviceId, rejects: 1);
            return;
        }

        TransactionRecord r = reader.Record;
        string? device = r.DeviceId.IsEmpty ? source.DeviceId : Encoding.UTF8.GetString(r.DeviceId);
        batch.Valid++;
        // Only look here: an event is remembered once its batch committed (below). Remembering it now would drop
        // the retry of a load that then failed (a client gone mid-request, a rollback), and a concurrent load of
        // the same events, while neither reached bronze: the events would be lost.
        if (Window is not null && Window.Contains(r.StoreId, r.EventHash))
        {
            batch.WindowDuplicates++;
            batch.Count(device, duplicates: 1);
            return;
        }

        batch.Rows.Add(new StagedRow(
            Encoding.UTF8.GetString(r.StoreId),
            r.EventHash.ToArray(),
            Encoding.UTF8.GetString(r.Raw),
            device,
            r.TransactionId.IsEmpty ? null : Encoding.UTF8.GetString(r.TransactionId),
            r.LineNumber,
            r.ByteOffset));
    }

    private async Task<BronzeLoadResult> FlushAsync(Batch batch, CancellationToken cancellationToken)
    {
        string source = batch.SourceName ?? "";
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable connectionScope = connection.ConfigureAwait(false);
        NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable transactionScope = transaction.ConfigureAwait(false);

        using (var stage = new NpgsqlCommand(StageSql, connection, transaction))
        {
            await stage.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (batch.Rows.Count > 0)
        {
            NpgsqlBinaryImporter importer = await connection.BeginBinaryImportAsync(
                "COPY lh_bronze_stage (store_id, event_hash, raw, device_id, transaction_id, source, source_line, source_offset) FROM STDIN (FORMAT BINARY)",
                cancellationToken).ConfigureAwait(false);
            await using (importer.ConfigureAwait(false))
            {
                foreach (StagedRow row in batch.Rows)
                {
                    await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.StoreId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.EventHash, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.Raw, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await WriteNullableAsync(importer, row.DeviceId, cancellationToken).ConfigureAwait(false);
                    await WriteNullableAsync(importer, row.TransactionId, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(source, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.Line, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.Offset, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                }

                await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (batch.Rejects.Count > 0)
        {
            NpgsqlBinaryImporter importer = await connection.BeginBinaryImportAsync(
                "COPY lh_reject_stage (source, line, source_offset, reason, field, message, device_id, raw) FROM STDIN (FORMAT BINARY)",
                cancellationToken).ConfigureAwait(false);
            await using (importer.ConfigureAwait(false))
            {
                foreach (RejectRow row in batch.Rejects)
                {
                    await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(source, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.Error.LineNumber, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.Error.ByteOffset, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(ReasonName(row.Error.Reason), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await WriteNullableAsync(importer, row.Error.Field, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.Error.Message, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await WriteNullableAsync(importer, row.DeviceId, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.Raw, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                }

                await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        long inserted;
        using (var merge = new NpgsqlCommand(MergeSql, connection, transaction))
        {
            merge.Parameters.Add(new NpgsqlParameter<string[]>("devices", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. batch.ExtraCounts.Keys] });
            merge.Parameters.Add(new NpgsqlParameter<long[]>("dups", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. batch.ExtraCounts.Values.Select(static v => v.Duplicates)] });
            merge.Parameters.Add(new NpgsqlParameter<long[]>("rejects", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. batch.ExtraCounts.Values.Select(static v => v.Rejects)] });
            inserted = (long)(await merge.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        if (inserted > 0)
        {
            // NOTIFY is delivered at commit, so listeners never see rows that were rolled back.
            using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection, transaction);
            notify.Parameters.Add(new NpgsqlParameter<string>("channel", NotifyChannel));
            notify.Parameters.Add(new NpgsqlParameter<string>("payload", inserted.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (Window is not null)
        {
            foreach (StagedRow row in batch.Rows)
            {
                Window.TryAdd(Encoding.UTF8.GetBytes(row.StoreId), row.EventHash);
            }
        }

        var result = new BronzeLoadResult(batch.Lines, batch.Valid, batch.Rejects.Count, inserted, batch.Valid - inserted);
        LogBatch(_logger, source, result.Lines, result.Inserted, result.Duplicates, result.Rejected);
        IngestMetrics.Record(result);
        batch.Clear();
        return result;
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

    internal static string ReasonName(IngestErrorReason reason) => reason switch
    {
        IngestErrorReason.InvalidJson => "invalid_json",
        IngestErrorReason.NotAnObject => "not_an_object",
        IngestErrorReason.RejectedByJsonb => "rejected_by_jsonb",
        IngestErrorReason.LineTooLong => "line_too_long",
        IngestErrorReason.MissingField => "missing_field",
        IngestErrorReason.WrongType => "wrong_type",
        IngestErrorReason.EmptyValue => "empty_value",
        IngestErrorReason.OutOfRange => "out_of_range",
        IngestErrorReason.UnknownEnumValue => "unknown_enum_value",
        IngestErrorReason.InvalidTimestamp => "invalid_timestamp",
        _ => "unknown",
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Bronze batch from {Source}: {Lines} lines, {Inserted} inserted, {Duplicates} duplicates, {Rejected} rejected")]
    private static partial void LogBatch(ILogger logger, string source, long lines, long inserted, long duplicates, long rejected);

    private sealed record StagedRow(string StoreId, byte[] EventHash, string Raw, string? DeviceId, string? TransactionId, long Line, long Offset);

    private sealed record RejectRow(IngestError Error, string? DeviceId, byte[] Raw);

    private sealed class Batch(int capacity)
    {
        public List<StagedRow> Rows { get; } = new(Math.Min(capacity, 65_536));

        public List<RejectRow> Rejects { get; } = [];

        public Dictionary<string, (long Duplicates, long Rejects)> ExtraCounts { get; } = new(StringComparer.Ordinal);

        public string? SourceName { get; set; }

        public long Lines { get; set; }

        public long Valid { get; set; }

        public long WindowDuplicates { get; set; }

        public int Size => Rows.Count + Rejects.Count + (int)WindowDuplicates;

        public void Count(string? device, long duplicates = 0, long rejects = 0)
        {
            string key = device ?? "";
            ExtraCounts.TryGetValue(key, out (long Duplicates, long Rejects) c);
            ExtraCounts[key] = (c.Duplicates + duplicates, c.Rejects + rejects);
        }

        public void Clear()
        {
            Rows.Clear();
            Rejects.Clear();
            ExtraCounts.Clear();
            Lines = Valid = WindowDuplicates = 0;
        }
    }
}
