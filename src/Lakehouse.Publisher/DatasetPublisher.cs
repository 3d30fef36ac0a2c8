using System.Text.Json.Nodes;
using Lakehouse.Ingest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace Lakehouse.Publisher;

/// <summary>
/// Publishes dataset versions: exports into a staging folder, writes the manifest, moves the folder into place and
/// switches <c>CURRENT</c> (<see cref="DatasetStore"/>), records the version in <c>publisher.dataset_versions</c>, then
/// notifies subscribers. Rollback switches the pointer back, records it and notifies too. Both are recorded in the audit
/// trail (<c>audit.events</c>: <c>dataset.publish</c>, <c>dataset.rollback</c>) in the registry update's transaction.
/// </summary>
public sealed partial class DatasetPublisher
{
    private readonly NpgsqlDataSource? _dataSource;
    private readonly DatasetStore _store;
    private readonly ParquetExporter _exporter;
    private readonly DatasetSubscriptions? _subscriptions;
    private readonly Uri? _manifestBaseUrl;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates a publisher.</summary>
    /// <param name="dataSource">The registry database (migrated with <see cref="PublisherSchema"/>).</param>
    /// <param name="store">Where versions are written.</param>
    /// <param name="exporter">How they are exported.</param>
    /// <param name="subscriptions">Who is notified; null = nobody.</param>
    /// <param name="manifestBaseUrl">The public URL of the store's root, for <c>manifest_url</c>; null = <c>file://</c> URLs.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Receives a line per publish and rollback; optional.</param>
    public DatasetPublisher(
        NpgsqlDataSource dataSource, DatasetStore store, ParquetExporter exporter, DatasetSubscriptions? subscriptions = null,
        Uri? manifestBaseUrl = null, TimeProvider? timeProvider = null, ILogger<DatasetPublisher>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(exporter);
        _dataSource = dataSource;
        _store = store;
        _exporter = exporter;
        _subscriptions = subscriptions;
        _manifestBaseUrl = manifestBaseUrl;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>
    /// Creates a publisher without a registry database: versions, manifests, <c>CURRENT</c> and the history live in the
    /// store's folders only, and nobody is notified. For the quick start, edge devices and tests; use
    /// <see cref="PublishRowsAsync"/> with an exporter created without a data source.
    /// </summary>
    /// <param name="store">Where versions are written.</param>
    /// <param name="exporter">How they are exported.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Receives a line per publish and rollback; optional.</param>
    public DatasetPublisher(DatasetStore store, ParquetExporter exporter, TimeProvider? timeProvider = null, ILogger<DatasetPublisher>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(exporter);
        _store = store;
        _exporter = exporter;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The store versions are written to.</summary>
    public DatasetStore Store => _store;

    /// <summary>Exports and publishes <paramref name="definition"/> as its version, which becomes current.</summary>
    /// <param name="definition">The dataset at the version to publish.</param>
    /// <param name="watermark">The source watermark the export reflects, recorded in the manifest; optional.</param>
    /// <param name="cancellationToken">Cancels the export; nothing is published then.</param>
    /// <returns>The manifest and the notification results.</returns>
    /// <exception cref="DatasetSchemaException">Schema drift, a PII column, or a schema change without a minor or major bump.</exception>
    /// <exception cref="InvalidOperationException">The version is already published or is not above the latest one.</exception>
    public Task<(DatasetManifest Manifest, IReadOnlyList<DeliveryResult> Notifications)> PublishAsync(
        DatasetDefinition definition, string? watermark = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return PublishCoreAsync(definition, watermark, staging => _exporter.ExportCoreAsync(definition, staging, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Publishes rows held in memory as <paramref name="definition"/>'s version, which becomes current: the same
    /// checks, files, manifest and pointer switch as <see cref="PublishAsync"/>, from
    /// <see cref="ParquetExporter.ExportRowsAsync"/> instead of a query.
    /// </summary>
    /// <param name="definition">The dataset at the version to publish.</param>
    /// <param name="rows">One array per row, values in column order (see <see cref="ParquetExporter.ExportRowsAsync"/>).</param>
    /// <param name="watermark">The source watermark the export reflects, recorded in the manifest; optional.</param>
    /// <param name="cancellationToken">Cancels the export; nothing is published then.</param>
    /// <returns>The manifest and the notification results.</returns>
    /// <exception cref="DatasetSchemaException">A PII column, an invalid declaration, or a schema change without a minor or major bump.</exception>
    /// <exception cref="InvalidOperationException">The version is already published or is not above the latest one.</exception>
    public Task<(DatasetManifest Manifest, IReadOnlyList<DeliveryResult> Notifications)> PublishRowsAsync(
        DatasetDefinition definition, IEnumerable<object?[]> rows, string? watermark = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(rows);
        return PublishCoreAsync(definition, watermark, staging => _exporter.ExportRowsAsync(definition, rows, staging, cancellationToken), cancellationToken);
    }

    private async Task<(DatasetManifest Manifest, IReadOnlyList<DeliveryResult> Notifications)> PublishCoreAsync(
        DatasetDefinition definition, string? watermark, Func<string, Task<DatasetExportResult>> export, CancellationToken cancellationToken)
    {
        var version = SemanticVersion.Parse(definition.Version);
        IReadOnlyList<string> versions = _store.ListVersions(definition.Name);
        if (await LatestRegisteredAsync(definition.Name, cancellationToken).ConfigureAwait(false) is { } registered
            && (versions.Count == 0 || registered > SemanticVersion.Parse(versions[^1])) && version <= registered)
        {
            // Another store (or a store that was wiped) published it under the same registry: refuse before writing.
            throw new InvalidOperationException($"dataset '{definition.Name}' version {version} is not above version {registered} already recorded in publisher.dataset_versions");
        }

        if (versions.Count > 0)
        {
            var latest = SemanticVersion.Parse(versions[^1]);
            if (version <= latest)
            {
                throw new InvalidOperationException($"dataset '{definition.Name}' version {version} is not above the latest published version {latest}");
            }

            DatasetManifest previous = _store.ReadManifest(definition.Name, latest.ToString());
            List<string> changes = DatasetStore.SchemaChanges(previous.Columns, definition.Columns);
            if (changes.Count > 0 && version.Major == latest.Major && version.Minor == latest.Minor)
            {
                changes.Insert(0, $"the schema changed since {latest} but {version} is only a patch bump (bump the minor or major version)");
                throw new DatasetSchemaException(definition.Name, changes);
            }
        }

        string staging = _store.CreateStaging(definition.Name, definition.Version);
        DatasetManifest manifest;
        string? before = _store.GetCurrentVersion(definition.Name);
        try
        {
            DatasetExportResult exported = await export(staging).ConfigureAwait(false);
            manifest = new DatasetManifest
            {
                Dataset = definition.Name,
                Version = definition.Version,
                CreatedAt = _timeProvider.GetUtcNow(),
                Watermark = watermark,
                PartitionBy = definition.PartitionBy,
                Compression = _exporter.Compression.ToString().ToLowerInvariant(),
                Columns = definition.Columns,
                Files = exported.Files,
                Rows = exported.Rows,
                Bytes = exported.Bytes,
                Lineage = new DatasetLineage(
                    definition.Source,
                    definition.InputTables.Count > 0 || definition.IsQuery ? definition.InputTables : [definition.Source],
                    definition.TransformVersion),
            };
            _store.Commit(staging, manifest, before);
        }
        catch
        {
            DatasetStore.DeleteStaging(staging);
            throw;
        }

        await RecordAsync(manifest, before, cancellationToken).ConfigureAwait(false);
        LogPublished(_logger, manifest.Dataset, manifest.Version, manifest.Rows, manifest.Files.Count);
        IReadOnlyList<DeliveryResult> sent = _subscriptions is null
            ? []
            : await _subscriptions.NotifyAsync(DatasetSubscriptions.PublishedEvent, manifest.Dataset, manifest.Version, ManifestUrl(manifest.Dataset, manifest.Version), cancellationToken).ConfigureAwait(false);
        return (manifest, sent);
    }

    /// <summary>Makes an earlier version current again (pointer switch), records it and notifies subscribers.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="version">The version to restore.</param>
    /// <param name="cancellationToken">Cancels the registry update and notifications (the pointer has switched by then).</param>
    /// <returns>The restored manifest and the notification results.</returns>
    public async Task<(DatasetManifest Manifest, IReadOnlyList<DeliveryResult> Notifications)> RollbackAsync(
        string dataset, string version, CancellationToken cancellationToken = default)
    {
        DatasetManifest manifest = _store.ReadManifest(dataset, version);
        string? previous = _store.Rollback(dataset, version);
        DateTimeOffset now = _timeProvider.GetUtcNow();
        if (_dataSource is not null)
        {
            await RecordRollbackAsync(_dataSource, manifest, dataset, version, previous, now, cancellationToken).ConfigureAwait(false);
        }

        LogRolledBack(_logger, dataset, previous, version);
        IReadOnlyList<DeliveryResult> sent = _subscriptions is null
            ? []
            : await _subscriptions.NotifyAsync(DatasetSubscriptions.RolledBackEvent, dataset, version, ManifestUrl(dataset, version), cancellationToken).ConfigureAwait(false);
        return (manifest, sent);
    }

    private async Task RecordRollbackAsync(
        NpgsqlDataSource dataSource, DatasetManifest manifest, string dataset, string version, string? previous, DateTimeOffset now, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            NpgsqlTransaction tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                await ExecuteAsync(connection, tx, "UPDATE publisher.dataset_versions SET is_current = false, rolled_back_at = $3 WHERE dataset = $1 AND is_current AND version <> $2", cancellationToken, dataset, version, now).ConfigureAwait(false);
                await ExecuteAsync(connection, tx, "INSERT INTO publisher.dataset_versions (dataset, version, manifest, rows, bytes, published_at, is_current) VALUES ($1, $2, $3, $4, $5, $6, true) " +
                    "ON CONFLICT (dataset, version) DO UPDATE SET is_current = true", cancellationToken,
                    dataset, version, ManifestJson(manifest), manifest.Rows, manifest.Bytes, manifest.CreatedAt).ConfigureAwait(false);
                await ExecuteAsync(connection, tx, "INSERT INTO publisher.dataset_history (dataset, action, version, previous_version, at) VALUES ($1, 'rolled_back', $2, $3, $4)", cancellationToken,
                    dataset, version, (object?)previous ?? DBNull.Value, now).ConfigureAwait(false);
                await Audit(dataSource).TryRecordAsync(AuditActions.DatasetRollback, dataset + "@" + version, new JsonObject
                {
                    ["dataset"] = dataset,
                    ["version"] = version,
                    ["previous_version"] = previous,
                }, connection, tx, cancellationToken).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The URL of a version's manifest as sent in notifications.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="version">The version.</param>
    /// <returns>The URL.</returns>
    public string ManifestUrl(string dataset, string version) => _manifestBaseUrl is null
        ? new Uri(Path.Combine(_store.VersionPath(dataset, version), "manifest.json")).AbsoluteUri
        : new Uri(_manifestBaseUrl, $"{Uri.EscapeDataString(dataset)}/versions/{Uri.EscapeDataString(version)}/manifest.json").AbsoluteUri;

    /// <summary>
    /// The highest version of <paramref name="dataset"/> published in the store or recorded in the registry (a
    /// registry can outlive a store, or serve several), for choosing the next version; null when there is none.
    /// </summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="cancellationToken">Cancels the registry query.</param>
    /// <returns>The version, or null.</returns>
    public async Task<string?> GetLatestVersionAsync(string dataset, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataset);
        IReadOnlyList<string> versions = _store.ListVersions(dataset);
        SemanticVersion? latest = versions.Count == 0 ? null : SemanticVersion.Parse(versions[^1]);
        if (await LatestRegisteredAsync(dataset, cancellationToken).ConfigureAwait(false) is { } registered && (latest is null || registered > latest.Value))
        {
            latest = registered;
        }

        return latest?.ToString();
    }

    private async Task<SemanticVersion?> LatestRegisteredAsync(string dataset, CancellationToken cancellationToken)
    {
        if (_dataSource is null)
        {
            return null;
        }

        SemanticVersion? latest = null;
        using NpgsqlCommand command = _dataSource.CreateCommand("SELECT version FROM publisher.dataset_versions WHERE dataset = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = dataset });
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (SemanticVersion.TryParse(reader.GetString(0), out SemanticVersion v) && (latest is null || v > latest.Value))
                {
                    latest = v;
                }
            }
        }

        return latest;
    }

    private async Task RecordAsync(DatasetManifest manifest, string? previous, CancellationToken cancellationToken)
    {
        if (_dataSource is null)
        {
            return;
        }

        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            NpgsqlTransaction tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                await ExecuteAsync(connection, tx, "UPDATE publisher.dataset_versions SET is_current = false WHERE dataset = $1 AND is_current", cancellationToken, manifest.Dataset).ConfigureAwait(false);
                await ExecuteAsync(connection, tx, "INSERT INTO publisher.dataset_versions (dataset, version, manifest, rows, bytes, published_at, is_current) VALUES ($1, $2, $3, $4, $5, $6, true)", cancellationToken,
                    manifest.Dataset, manifest.Version, ManifestJson(manifest), manifest.Rows, manifest.Bytes, manifest.CreatedAt).ConfigureAwait(false);
                await ExecuteAsync(connection, tx, "INSERT INTO publisher.dataset_history (dataset, action, version, previous_version, at) VALUES ($1, 'published', $2, $3, $4)", cancellationToken,
                    manifest.Dataset, manifest.Version, (object?)previous ?? DBNull.Value, manifest.CreatedAt).ConfigureAwait(false);
                await Audit(_dataSource).TryRecordAsync(AuditActions.DatasetPublish, manifest.Dataset + "@" + manifest.Version, new JsonObject
                {
                    ["dataset"] = manifest.Dataset,
                    ["version"] = manifest.Version,
                    ["previous_version"] = previous,
                    ["rows"] = manifest.Rows,
                    ["bytes"] = manifest.Bytes,
                    ["files"] = manifest.Files.Count,
                    ["store"] = _store.Root,
                }, connection, tx, cancellationToken).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // Recorded in the registry update's own transaction, so the audit record and the registry row commit together.
    private AuditLog Audit(NpgsqlDataSource dataSource) => new(dataSource, _timeProvider);

    private static NpgsqlParameter ManifestJson(DatasetManifest manifest) => new()
    {
        NpgsqlDbType = NpgsqlDbType.Jsonb,
        Value = System.Text.Json.JsonSerializer.Serialize(manifest, PublisherCompactJsonContext.Default.DatasetManifest),
    };

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken, params object[] values)
    {
        using var command = new NpgsqlCommand(sql, connection, tx);
        foreach (object value in values)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(1, LogLevel.Information, "Published {Dataset} {Version}: {Rows} rows in {Files} files")]
    private static partial void LogPublished(ILogger logger, string dataset, string version, long rows, int files);

    [LoggerMessage(2, LogLevel.Information, "Rolled {Dataset} back from {Previous} to {Version}")]
    private static partial void LogRolledBack(ILogger logger, string dataset, string? previous, string version);
}
