using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace Lakehouse.Odoo;

/// <summary>The kind of a catalogued asset.</summary>
public enum AssetType
{
    /// <summary>An Odoo model, e.g. <c>odoo.prod.project.task</c>.</summary>
    OdooModel,

    /// <summary>A table of the Scout lakehouse, e.g. <c>scout.lakehouse.gold_daily_metrics</c>.</summary>
    ScoutTable,

    /// <summary>A view of the Scout lakehouse.</summary>
    ScoutView,

    /// <summary>A published dataset.</summary>
    Dataset,
}

/// <summary>
/// The asset catalog, <c>catalog.assets</c>: every Odoo model and Scout table or view the platform knows, named by a
/// fully qualified name <c>system.db.model</c> — lower-case identifiers separated by dots, where the model part may
/// itself contain dots as Odoo's do (<c>odoo.prod.account.move</c>).
/// </summary>
public sealed partial class AssetCatalog
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;

    /// <summary>Creates the catalog over <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">The database holding the <c>catalog</c> schema.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public AssetCatalog(NpgsqlDataSource dataSource, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Whether <paramref name="fqdn"/> is a valid <c>system.db.model</c> name.</summary>
    /// <param name="fqdn">The name to check.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsValidFqdn(string? fqdn) => fqdn is not null && fqdn.Length <= 255 && FqdnPattern().IsMatch(fqdn);

    /// <summary>Registers or updates an asset.</summary>
    /// <param name="fqdn">The <c>system.db.model</c> name.</param>
    /// <param name="type">What the asset is.</param>
    /// <param name="metadataJson">Free metadata as a JSON object; <c>{}</c> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the asset is stored.</returns>
    /// <exception cref="ArgumentException">The FQDN is not <c>system.db.model</c>.</exception>
    public async Task RegisterAsync(string fqdn, AssetType type, string? metadataJson = null, CancellationToken cancellationToken = default)
    {
        if (!IsValidFqdn(fqdn))
        {
            throw new ArgumentException(
                $"'{fqdn}' is not a valid asset FQDN: expected system.db.model, lower-case letters, digits and underscores, e.g. odoo.prod.project.task.",
                nameof(fqdn));
        }

        using NpgsqlCommand command = _dataSource.CreateCommand("""
            INSERT INTO catalog.assets (fqdn, asset_type, metadata, registered_at, updated_at) VALUES ($1, $2, $3, $4, $4)
            ON CONFLICT (fqdn) DO UPDATE SET asset_type = excluded.asset_type, metadata = excluded.metadata, updated_at = excluded.updated_at
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = fqdn });
        command.Parameters.Add(new NpgsqlParameter { Value = ToSql(type) });
        command.Parameters.Add(new NpgsqlParameter { Value = metadataJson ?? "{}", NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = _time.GetUtcNow() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Registers an Odoo model of an instance, e.g. <c>("prod", "project.task")</c> → <c>odoo.prod.project.task</c>.</summary>
    /// <param name="instance">The Odoo instance (database) name.</param>
    /// <param name="model">The Odoo model name.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The FQDN registered.</returns>
    public async Task<string> RegisterOdooModelAsync(string instance, string model, CancellationToken cancellationToken = default)
    {
        string fqdn = "odoo." + instance + "." + model;
        await RegisterAsync(fqdn, AssetType.OdooModel, null, cancellationToken).ConfigureAwait(false);
        return fqdn;
    }

    /// <summary>Registers every table and view of the <c>scout</c> schema of the connected database as <c>scout.{db}.{name}</c>.</summary>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>How many assets were registered or refreshed.</returns>
    public async Task<int> RegisterScoutObjectsAsync(CancellationToken cancellationToken = default)
    {
        using NpgsqlCommand command = _dataSource.CreateCommand("""
            INSERT INTO catalog.assets (fqdn, asset_type, metadata, registered_at, updated_at)
            SELECT 'scout.' || lower(regexp_replace(current_database(), '[^a-zA-Z0-9_]', '_', 'g')) || '.' || c.relname,
                   CASE WHEN c.relkind IN ('v', 'm') THEN 'scout_view' ELSE 'scout_table' END,
                   jsonb_build_object('schema', n.nspname, 'relation', c.relname), $1, $1
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'scout' AND c.relkind IN ('r', 'p', 'v', 'm') AND c.relname ~ '^[a-z][a-z0-9_]*$'
            ON CONFLICT (fqdn) DO UPDATE SET asset_type = excluded.asset_type, metadata = excluded.metadata, updated_at = excluded.updated_at
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = _time.GetUtcNow() });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string ToSql(AssetType type) => type switch
    {
        AssetType.OdooModel => "odoo_model",
        AssetType.ScoutTable => "scout_table",
        AssetType.ScoutView => "scout_view",
        AssetType.Dataset => "dataset",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown asset type."),
    };

    [GeneratedRegex(@"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex FqdnPattern();
}
