using System.Runtime.CompilerServices;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace Lakehouse.Geo;

/// <summary>Options of <see cref="BoundaryImporter.ImportAsync"/>.</summary>
public sealed class BoundaryImportOptions
{
    /// <summary>The region polygons to load into <c>scout.geo_adm1_region</c>.</summary>
    /// <value>Default <see langword="null"/>: <see cref="PhilippineBoundaries.Regions"/>.</value>
    public BoundarySet? Regions { get; set; }

    /// <summary>The province-level polygons to load into <c>scout.geo_adm2_province</c>.</summary>
    /// <value>Default <see langword="null"/>: <see cref="PhilippineBoundaries.Provinces"/>.</value>
    public BoundarySet? Provinces { get; set; }

    /// <summary>
    /// The distance tolerance, in degrees, of the topology-preserving simplification written to the <c>_gen</c>
    /// tables (NetTopologySuite's <c>TopologyPreservingSimplifier</c>, the algorithm PostGIS'
    /// <c>ST_SimplifyPreserveTopology</c> also uses). 0 copies the full geometry.
    /// </summary>
    /// <value>Default 0.01° (about 1.1 km), which keeps about a third of the shipped polygons' vertices.</value>
    public double SimplifyTolerance { get; set; } = 0.01;

    /// <summary>The value of the tables' <c>source</c> column.</summary>
    /// <value>Default <c>Natural Earth</c>.</value>
    public string Source { get; set; } = "Natural Earth";
}

/// <summary>What <see cref="BoundaryImporter.ImportAsync"/> wrote.</summary>
/// <param name="Regions">Rows upserted into <c>scout.geo_adm1_region</c> (and its <c>_gen</c> table).</param>
/// <param name="Provinces">Rows upserted into <c>scout.geo_adm2_province</c> (and its <c>_gen</c> table).</param>
/// <param name="RegionVertices">Vertices of the region polygons as loaded.</param>
/// <param name="SimplifiedRegionVertices">Vertices of the region polygons written to <c>scout.geo_adm1_region_gen</c>.</param>
public readonly record struct BoundaryImportResult(int Regions, int Provinces, int RegionVertices, int SimplifiedRegionVertices);

/// <summary>
/// Loads boundary polygons into the PostGIS tables of migration <c>V0010__boundaries</c>
/// (<c>scout.geo_adm1_region</c>, <c>scout.geo_adm2_province</c> and their simplified <c>_gen</c> copies).
/// </summary>
/// <remarks>
/// The data source must map PostGIS types through NetTopologySuite: build it with
/// <c>new NpgsqlDataSourceBuilder(cs).UseNetTopologySuite().Build()</c> (package Npgsql.NetTopologySuite).
/// Run <see cref="GeoSchema.MigrateAsync"/> first.
/// </remarks>
public static class BoundaryImporter
{
    /// <summary>
    /// Upserts the polygons (by PSGC code, or feature key for composites) in one transaction, via binary COPY into a
    /// staging table: running it twice leaves the same rows. <c>area_sqkm</c> is computed by PostGIS on the
    /// spheroid; <c>population</c> is never written, so values you set survive a re-import. Rows not in the
    /// input are left alone.
    /// </summary>
    /// <param name="dataSource">A data source built with <c>UseNetTopologySuite()</c>.</param>
    /// <param name="options">What to load and how far to simplify; <see langword="null"/> for the defaults (the shipped polygons).</param>
    /// <param name="cancellationToken">Cancels the import; nothing is written then.</param>
    /// <returns>Counts of what was written.</returns>
    /// <exception cref="InvalidOperationException">The data source cannot write NetTopologySuite geometries (no <c>UseNetTopologySuite()</c>).</exception>
    public static async Task<BoundaryImportResult> ImportAsync(
        NpgsqlDataSource dataSource, BoundaryImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        options ??= new BoundaryImportOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.SimplifyTolerance, nameof(options.SimplifyTolerance));
        BoundarySet regions = options.Regions ?? PhilippineBoundaries.Regions;
        BoundarySet provinces = options.Provinces ?? PhilippineBoundaries.Provinces;
        BoundarySet regionsGen = regions.Simplify(options.SimplifyTolerance);
        BoundarySet provincesGen = provinces.Simplify(options.SimplifyTolerance);
        try
        {
            await ImportCoreAsync(dataSource, options, regions, provinces, regionsGen, provincesGen, reloadTypes: false, cancellationToken).ConfigureAwait(false);
        }
        catch (NotSupportedException)
        {
            // A data source that was opened before the postgis extension existed (say, before GeoSchema.MigrateAsync
            // created it) has no 'geometry' type in its cache: reload its types and try once more.
            try
            {
                await ImportCoreAsync(dataSource, options, regions, provinces, regionsGen, provincesGen, reloadTypes: true, cancellationToken).ConfigureAwait(false);
            }
            catch (NotSupportedException e)
            {
                throw new InvalidOperationException(
                    "The NpgsqlDataSource cannot write PostGIS geometries: build it with UseNetTopologySuite() (package Npgsql.NetTopologySuite) and run GeoSchema.MigrateAsync first (it creates the postgis extension and the tables).", e);
            }
        }

        return new BoundaryImportResult(
            regions.Count, provinces.Count,
            regions.Sum(static f => f.Geometry.NumPoints), regionsGen.Sum(static f => f.Geometry.NumPoints));
    }

    private static async Task ImportCoreAsync(
        NpgsqlDataSource dataSource, BoundaryImportOptions options, BoundarySet regions, BoundarySet provinces,
        BoundarySet regionsGen, BoundarySet provincesGen, bool reloadTypes, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable connectionScope = connection.ConfigureAwait(false);
        if (reloadTypes)
        {
            await connection.ReloadTypesAsync(cancellationToken).ConfigureAwait(false);
        }

        NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable transactionScope = transaction.ConfigureAwait(false);

        await ExecuteAsync(connection, """
            CREATE TEMP TABLE geo_boundary_stage (
                feature_key text NOT NULL, psgc_code text, name text NOT NULL, kind text NOT NULL,
                region_psgc text, province_psgc text, covers text[] NOT NULL, short_name text, island_group text,
                note text, geom geometry NOT NULL, geom_gen geometry NOT NULL
            ) ON COMMIT DROP
            """, cancellationToken).ConfigureAwait(false);

        await StageAsync(connection, regions, regionsGen, cancellationToken).ConfigureAwait(false);
        await StageAsync(connection, provinces, provincesGen, cancellationToken).ConfigureAwait(false);

        using (var command = new NpgsqlCommand(string.Empty, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("source", options.Source));
            command.Parameters.Add(new NpgsqlParameter<double>("tolerance", options.SimplifyTolerance));
            command.Parameters.Add(new NpgsqlParameter<string>("region_kind", "region"));
            command.CommandText = """
                INSERT INTO scout.geo_adm1_region AS t (region_psgc, region_name, short_name, island_group, geom, area_sqkm, source)
                SELECT feature_key, name, short_name, island_group, ST_Multi(geom), round((ST_Area(geom::geography) / 1e6)::numeric, 2), @source
                FROM geo_boundary_stage WHERE kind = @region_kind
                ON CONFLICT (region_psgc) DO UPDATE SET
                    region_name = EXCLUDED.region_name, short_name = EXCLUDED.short_name, island_group = EXCLUDED.island_group,
                    geom = EXCLUDED.geom, area_sqkm = EXCLUDED.area_sqkm, source = EXCLUDED.source, updated_at = now()
                WHERE (t.region_name, t.short_name, t.island_group, t.source, ST_AsBinary(t.geom))
                    IS DISTINCT FROM (EXCLUDED.region_name, EXCLUDED.short_name, EXCLUDED.island_group, EXCLUDED.source, ST_AsBinary(EXCLUDED.geom));

                INSERT INTO scout.geo_adm1_region_gen AS t (region_psgc, geom, tolerance)
                SELECT feature_key, ST_Multi(geom_gen), @tolerance FROM geo_boundary_stage WHERE kind = @region_kind
                ON CONFLICT (region_psgc) DO UPDATE SET geom = EXCLUDED.geom, tolerance = EXCLUDED.tolerance;

                INSERT INTO scout.geo_adm2_province AS t (feature_key, psgc_code, province_name, kind, region_psgc, province_psgc, covers, note, geom, area_sqkm, source)
                SELECT feature_key, psgc_code, name, kind, region_psgc, province_psgc, covers, note, ST_Multi(geom), round((ST_Area(geom::geography) / 1e6)::numeric, 2), @source
                FROM geo_boundary_stage WHERE kind <> @region_kind
                ON CONFLICT (feature_key) DO UPDATE SET
                    psgc_code = EXCLUDED.psgc_code, province_name = EXCLUDED.province_name, kind = EXCLUDED.kind,
                    region_psgc = EXCLUDED.region_psgc, province_psgc = EXCLUDED.province_psgc, covers = EXCLUDED.covers,
                    note = EXCLUDED.note, geom = EXCLUDED.geom, area_sqkm = EXCLUDED.area_sqkm, source = EXCLUDED.source, updated_at = now()
                WHERE (t.psgc_code, t.province_name, t.kind, t.region_psgc, t.province_psgc, t.covers, t.note, t.source, ST_AsBinary(t.geom))
                    IS DISTINCT FROM (EXCLUDED.psgc_code, EXCLUDED.province_name, EXCLUDED.kind, EXCLUDED.region_psgc, EXCLUDED.province_psgc,
                                      EXCLUDED.covers, EXCLUDED.note, EXCLUDED.source, ST_AsBinary(EXCLUDED.geom));

                INSERT INTO scout.geo_adm2_province_gen AS t (feature_key, geom, tolerance)
                SELECT feature_key, ST_Multi(geom_gen), @tolerance FROM geo_boundary_stage WHERE kind <> @region_kind
                ON CONFLICT (feature_key) DO UPDATE SET geom = EXCLUDED.geom, tolerance = EXCLUDED.tolerance;
                """;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task StageAsync(NpgsqlConnection connection, BoundarySet set, BoundarySet simplified, CancellationToken cancellationToken)
    {
        NpgsqlBinaryImporter importer = await connection.BeginBinaryImportAsync(
            "COPY geo_boundary_stage (feature_key, psgc_code, name, kind, region_psgc, province_psgc, covers, short_name, island_group, note, geom, geom_gen) FROM STDIN (FORMAT BINARY)",
            cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable importerScope = importer.ConfigureAwait(false);
        bool regionLevel = set.Level == BoundaryLevel.Region;
        for (int i = 0; i < set.Count; i++)
        {
            BoundaryFeature feature = set[i];
            await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(feature.Key, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await WriteNullableAsync(importer, feature.PsgcCode, cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(feature.Name, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(regionLevel ? "region" : feature.Kind, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await WriteNullableAsync(importer, feature.RegionCode, cancellationToken).ConfigureAwait(false);
            await WriteNullableAsync(importer, feature.ProvinceCode, cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(feature.Covers.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await WriteNullableAsync(importer, feature.ShortName, cancellationToken).ConfigureAwait(false);
            await WriteNullableAsync(importer, feature.IslandGroup, cancellationToken).ConfigureAwait(false);
            await WriteNullableAsync(importer, feature.Note, cancellationToken).ConfigureAwait(false);
            await WriteGeometryAsync(importer, feature.Geometry, cancellationToken).ConfigureAwait(false);
            await WriteGeometryAsync(importer, simplified[i].Geometry, cancellationToken).ConfigureAwait(false);
        }

        await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteGeometryAsync(NpgsqlBinaryImporter importer, MultiPolygon geometry, CancellationToken cancellationToken)
    {
        try
        {
            await importer.WriteAsync<Geometry>(geometry, NpgsqlDbType.Geometry, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidCastException e)
        {
            throw new InvalidOperationException(
                "The NpgsqlDataSource cannot write NetTopologySuite geometries: build it with UseNetTopologySuite() (package Npgsql.NetTopologySuite).", e);
        }
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
