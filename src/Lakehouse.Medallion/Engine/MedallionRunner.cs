using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Lakehouse.Medallion;

/// <summary>
/// The medallion transforms against PostgreSQL: each run takes the bronze rows after its watermark, writes silver,
/// merges partial aggregates into gold and moves the watermark, batch by batch, each batch in one transaction (a
/// crash leaves nothing half-applied), under an advisory lock (two workers never run at once). The rules are the
/// same objects <see cref="InMemoryMedallion"/> uses.
/// </summary>
public sealed partial class MedallionRunner
{
    /// <summary>The advisory lock key a run holds ("MEDALLIO").</summary>
    public const long AdvisoryLockKey = 0x4D454441_4C4C494F;

    private const string Pipeline = "default";
    private readonly NpgsqlDataSource _dataSource;
    private readonly PlaceResolver? _resolver;
    private readonly MedallionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CustomerPseudonymizer _pseudonymizer;
    private readonly CustomerContactCipher? _cipher;

    /// <summary>Creates a runner.</summary>
    /// <param name="dataSource">The database with the <c>scout</c> schema (see <see cref="MedallionSchema"/>).</param>
    /// <param name="resolver">Resolves typed places to PSGC codes; places stay unresolved when <see langword="null"/>.</param>
    /// <param name="options">Options.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Logs runs; optional.</param>
    /// <exception cref="InvalidOperationException">No customer key is configured (<see cref="MedallionOptions.CustomerKey"/>).</exception>
    public MedallionRunner(
        NpgsqlDataSource dataSource, PlaceResolver? resolver, IOptions<MedallionOptions> options,
        TimeProvider? timeProvider = null, ILogger<MedallionRunner>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _resolver = resolver;
        _options = options.Value;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _pseudonymizer = new CustomerPseudonymizer(_options);
        _cipher = _options.ContactKeys.Count > 0 ? new CustomerContactCipher(_options.ContactKeys) : null;
    }

    /// <summary>The pseudonymizer silver uses (the options' customer keys).</summary>
    public CustomerPseudonymizer Pseudonymizer => _pseudonymizer;

    /// <summary>Runs until silver and gold have caught up with bronze as it stood when the run began.</summary>
    /// <param name="progress">Receives the running totals after each batch; optional.</param>
    /// <param name="cancellationToken">Stops between batches; committed batches stay.</param>
    /// <returns>What the run did; <see cref="MedallionRunResult.Skipped"/> when another run holds the lock.</returns>
    public async Task<MedallionRunResult> RunAsync(IProgress<MedallionRunResult>? progress = null, CancellationToken cancellationToken = default)
    {
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable connectionScope = connection.ConfigureAwait(false);
        if (!await ScalarAsync<bool>(connection, null, "SELECT pg_try_advisory_lock(5567931561557117263)", cancellationToken).ConfigureAwait(false))
        {
            Log.Skipped(_logger);
            return new MedallionRunResult(0, 0, 0, 0, 0, Skipped: true);
        }

        try
        {
            long bound = await SettledBoundAsync(connection, cancellationToken).ConfigureAwait(false);
            var total = new MedallionRunResult(0, 0, 0, 0, 0, false);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                MedallionRunResult? batch = await RunBatchAsync(connection, bound, cancellationToken).ConfigureAwait(false);
                if (batch is null)
                {
                    break;
                }

                total = new MedallionRunResult(
                    total.BronzeRead + batch.BronzeRead, total.SilverInserted + batch.SilverInserted, total.Quarantined + batch.Quarantined,
                    total.GoldStoreDaysTouched + batch.GoldStoreDaysTouched, batch.Watermark, false);
                progress?.Report(total);
            }

            if (total.BronzeRead == 0)
            {
                total = total with { Watermark = await WatermarkAsync(connection, null, cancellationToken).ConfigureAwait(false) };
            }
            else
            {
                await PlatinumWriter.RefreshAsync(connection, _options.AnomalyThreshold, _options.Clustering, cancellationToken).ConfigureAwait(false);
            }

            Log.Ran(_logger, total.BronzeRead, total.SilverInserted, total.Quarantined, total.Watermark);
            return total;
        }
        finally
        {
            await ScalarAsync<bool>(connection, null, "SELECT pg_advisory_unlock(5567931561557117263)", CancellationToken.None).ConfigureAwait(false);
        }
    }

    // Bronze ids come from a sequence, and a transaction that took a lower id may commit after one that took a
    // higher id: a watermark moved past a row still in flight would skip it for ever. A SHARE lock waits for every
    // in-flight insert to finish (and is released at once), so every id up to the max seen under it is settled.
    private static async Task<long> SettledBoundAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        NpgsqlTransaction tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable txScope = tx.ConfigureAwait(false);
        await ExecuteAsync(connection, tx, "LOCK TABLE scout.bronze_transactions IN SHARE MODE", cancellationToken).ConfigureAwait(false);
        long bound = await ScalarAsync<long>(connection, tx, "SELECT coalesce(max(id), 0) FROM scout.bronze_transactions", cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return bound;
    }

    private async Task<MedallionRunResult?> RunBatchAsync(NpgsqlConnection connection, long bound, CancellationToken cancellationToken)
    {
        NpgsqlTransaction tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable txScope = tx.ConfigureAwait(false);
        long watermark = await WatermarkAsync(connection, tx, cancellationToken).ConfigureAwait(false);

        var rows = new List<BronzeRow>();
        using (var select = new NpgsqlCommand("""
            SELECT id, store_id, event_hash, raw, device_id, ingested_at FROM scout.bronze_transactions
            WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $3
            """, connection, tx))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = watermark });
            select.Parameters.Add(new NpgsqlParameter { Value = bound });
            select.Parameters.Add(new NpgsqlParameter { Value = _options.BatchSize });
            NpgsqlDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using ConfiguredAsyncDisposable readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(new BronzeRow(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5)));
            }
        }

        if (rows.Count == 0)
        {
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }

        // Dimensions and keys this batch needs to know.
        var storeIds = rows.Select(r => r.StoreId).Distinct(StringComparer.Ordinal).ToArray();
        var stores = new Dictionary<string, (string Tenant, bool Registered)>(StringComparer.Ordinal);
        using (var select = new NpgsqlCommand(
            "SELECT store_id, tenant_id, store_name IS NOT NULL FROM scout.dim_store WHERE store_id = ANY($1)", connection, tx))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = storeIds });
            NpgsqlDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using ConfiguredAsyncDisposable readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                stores[reader.GetString(0)] = (reader.GetString(1), reader.GetBoolean(2));
            }
        }

        var brands = new List<string>();
        using (var select = new NpgsqlCommand(
            "SELECT DISTINCT brand FROM scout.dim_product WHERE product_name IS NOT NULL AND brand IS NOT NULL", connection, tx))
        {
            NpgsqlDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using ConfiguredAsyncDisposable readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                brands.Add(reader.GetString(0));
            }
        }

        // Every tenant's customers stay under one key id: a runner configured with another key than the one the
        // tenant's pseudonyms were made with refuses, so history is never split (CustomerKeyRotation moves the key).
        await CustomerKeyRotation.CheckKeysAsync(connection, tx, _pseudonymizer,
            rows.Select(r => stores.TryGetValue(r.StoreId, out var st) ? st.Tenant : _options.DefaultTenantId).Distinct(StringComparer.Ordinal),
            _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);

        var transformer = new SilverTransformer(_resolver, new BrandNormalizer(brands), _options, _pseudonymizer);
        var transformed = new List<(BronzeRow Row, SilverTransaction? Silver, QuarantinedEvent? Bad)>(rows.Count);
        var contacts = new Dictionary<SilverTransaction, CustomerContactValue>(ReferenceEqualityComparer.Instance);
        foreach (BronzeRow row in rows)
        {
            (string tenant, bool registered) = stores.TryGetValue(row.StoreId, out var s) ? s : (_options.DefaultTenantId, false);
            (SilverTransaction? silver, QuarantinedEvent? bad) = transformer.Transform(row, tenant, registered, _cipher is not null, out CustomerContactValue? contact);
            transformed.Add((row, silver, bad));
            if (silver is not null && contact is not null)
            {
                contacts[silver] = contact;
            }
        }

        var existing = new HashSet<(string, string)>();
        var candidates = transformed.Where(t => t.Silver is not null).Select(t => t.Silver!).ToList();
        using (var select = new NpgsqlCommand("""
            SELECT s.store_id, s.transaction_id FROM scout.silver_transactions s
            JOIN unnest($1::text[], $2::text[]) AS k(store_id, transaction_id) USING (store_id, transaction_id)
            """, connection, tx))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = candidates.Select(c => c.StoreId).ToArray() });
            select.Parameters.Add(new NpgsqlParameter { Value = candidates.Select(c => c.TransactionId).ToArray() });
            NpgsqlDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using ConfiguredAsyncDisposable readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                existing.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var silverRows = new List<SilverTransaction>();
        var quarantine = new List<QuarantinedEvent>();
        var gold = new GoldAggregator();
        foreach ((BronzeRow row, SilverTransaction? silver, QuarantinedEvent? bad) in transformed)
        {
            if (bad is not null)
            {
                quarantine.Add(bad);
            }
            else if (!existing.Add((silver!.StoreId, silver.TransactionId)))
            {
                quarantine.Add(new QuarantinedEvent(row.Id, silver.StoreId, silver.TransactionId, "duplicate_transaction_id",
                    "another event with this store_id and transaction_id is already in silver"));
            }
            else
            {
                silverRows.Add(silver);
                gold.Add(silver);
            }
        }

        await MedallionWriter.WriteSilverAsync(connection, silverRows, cancellationToken).ConfigureAwait(false);
        await MedallionWriter.WriteQuarantineAsync(connection, quarantine, cancellationToken).ConfigureAwait(false);
        await MedallionWriter.MergeGoldAsync(connection, tx, gold, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        await MedallionWriter.MergeDimensionsAsync(connection, tx, silverRows, cancellationToken).ConfigureAwait(false);
        if (_cipher is not null)
        {
            await CustomerContacts.StoreIdentifierContactsAsync(connection, tx, _cipher,
                silverRows.Where(contacts.ContainsKey).Select(r => contacts[r]), cancellationToken).ConfigureAwait(false);
        }

        long newWatermark = rows[^1].Id;
        using (var update = new NpgsqlCommand("""
            INSERT INTO scout.medallion_watermarks (pipeline, last_bronze_id, updated_at) VALUES ($1, $2, $3)
            ON CONFLICT (pipeline) DO UPDATE SET last_bronze_id = excluded.last_bronze_id, updated_at = excluded.updated_at
            """, connection, tx))
        {
            update.Parameters.Add(new NpgsqlParameter { Value = Pipeline });
            update.Parameters.Add(new NpgsqlParameter { Value = newWatermark });
            update.Parameters.Add(new NpgsqlParameter { Value = _time.GetUtcNow() });
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new MedallionRunResult(rows.Count, silverRows.Count, quarantine.Count, gold.Days.Count, newWatermark, false);
    }

    /// <summary>Reads every layer back, platinum computed by the same rules as the in-memory engine.</summary>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The snapshot.</returns>
    public Task<MedallionSnapshot> ReadSnapshotAsync(CancellationToken cancellationToken = default) =>
        MedallionReader.ReadAsync(_dataSource, _options.AnomalyThreshold, cancellationToken);

    private static async Task<long> WatermarkAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, CancellationToken cancellationToken) =>
        await ScalarAsync<long?>(connection, tx,
            "SELECT last_bronze_id FROM scout.medallion_watermarks WHERE pipeline = 'default' FOR UPDATE", cancellationToken).ConfigureAwait(false) ?? 0;

    internal static async Task<T?> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection, tx);
        object? value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? default : (T)value;
    }

    internal static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection, tx);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Medallion run skipped: another run holds the lock")]
        public static partial void Skipped(ILogger logger);

        [LoggerMessage(2, LogLevel.Information, "Medallion run: {BronzeRead} bronze rows read, {Silver} silver, {Quarantined} quarantined, watermark {Watermark}")]
        public static partial void Ran(ILogger logger, long bronzeRead, long silver, long quarantined, long watermark);
    }
}
