using Lakehouse.Internal;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Lakehouse.Odoo;

/// <summary>
/// The PostgreSQL objects Lakehouse.Odoo owns: the <c>odoo</c>, <c>odoo_seed</c> and <c>catalog</c> schemas (after applying Ingest's). They are created by versioned SQL migrations
/// embedded in this package and recorded in <c>lakehouse.schema_history</c> under the component name
/// <see cref="Component"/>.
/// </summary>
public static class OdooSchema
{
    /// <summary>The component name this package's migrations are recorded under.</summary>
    public const string Component = "odoo";

    private static readonly Lazy<IReadOnlyList<SchemaMigration>> s_migrations =
        new(static () => SchemaMigrator.LoadEmbedded(typeof(OdooSchema).Assembly));

    internal static IReadOnlyList<SchemaMigration> Migrations => s_migrations.Value;

    /// <summary>
    /// Brings the database up to this package's schema (and first the schemas it builds on): applies
    /// every migration not yet recorded, in version order, each in its own transaction, under an advisory lock so
    /// that two processes starting at once do not collide. Applying twice is a no-op.
    /// </summary>
    /// <param name="dataSource">Where to migrate; the role needs the right to create schemas and extensions.</param>
    /// <param name="logger">Receives one line per migration applied; optional.</param>
    /// <param name="cancellationToken">Cancels between statements; a cancelled migration rolls back whole.</param>
    /// <returns>The migrations applied by this call, as <c>component V0001__name</c>; empty when already current.</returns>
    /// <exception cref="InvalidOperationException">A migration already applied was edited since.</exception>
    public static async Task<IReadOnlyList<string>> MigrateAsync(
        NpgsqlDataSource dataSource, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var applied = new List<string>();
        applied.AddRange(await Lakehouse.Ingest.IngestSchema.MigrateAsync(dataSource, logger, cancellationToken).ConfigureAwait(false));
        applied.AddRange(await SchemaMigrator.ApplyAsync(dataSource, Component, Migrations, logger, cancellationToken).ConfigureAwait(false));
        return applied;
    }
}
