using System.CommandLine;
using System.Globalization;
using Lakehouse.Publisher;
using Npgsql;

namespace Lakehouse.Cli;

/// <summary><c>lakehouse export …</c> and <c>lakehouse datasets list|show|diff|rollback …</c>: Parquet datasets.</summary>
internal static class DatasetCommands
{
    public static IEnumerable<Command> Create() => [CreateExport(), CreateDatasets()];

    private static Command CreateExport()
    {
        Option<string> connection = CommonOptions.Connection();
        Option<string> dataset = new("--dataset", "-d") { Description = "A built-in dataset (gold_daily_metrics, silver_transactions), or the name of an ad-hoc --query export.", Required = true };
        Option<string> output = new("--out", "-o") { Description = "Output folder (with --publish: the dataset store root).", Required = true };
        Option<string?> version = new("--version") { Description = "Semantic version x.y.z (default: the definition's, 1.0.0 for ad-hoc queries)." };
        Option<string?> query = new("--query", "-q") { Description = "An ad-hoc SELECT to export instead of a built-in dataset; columns are taken from its result." };
        Option<string?> partitionBy = new("--partition-by") { Description = "Hive partition column (ad-hoc exports)." };
        Option<ParquetCompression> compression = new("--compression") { Description = "zstd (default), snappy, gzip or none.", DefaultValueFactory = _ => ParquetCompression.Zstd };
        Option<bool> publish = new("--publish") { Description = "Publish as a dataset version under --out (manifest, CURRENT pointer, registry in publisher.dataset_versions)." };
        Option<string?> watermark = new("--watermark") { Description = "Source watermark recorded in the manifest (with --publish)." };
        var export = new Command("export", "Export a dataset from PostgreSQL to Parquet (streamed with binary COPY; schema checked first).")
        {
            connection, dataset, output, version, query, partitionBy, compression, publish, watermark,
        };
        export.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(parse.GetValue(connection)!);
            var exporter = new ParquetExporter(dataSource, new ParquetExportOptions { Compression = parse.GetValue(compression) });
            string name = parse.GetValue(dataset)!;
            DatasetDefinition definition;
            if (parse.GetValue(query) is { } sql)
            {
                definition = await exporter.DescribeQueryAsync(name, parse.GetValue(version) ?? "1.0.0", sql, parse.GetValue(partitionBy), cancellationToken).ConfigureAwait(false);
            }
            else if (BuiltInDatasets.Find(name) is { } builtIn)
            {
                definition = parse.GetValue(version) is { } v ? builtIn.WithVersion(v) : builtIn;
            }
            else
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"unknown dataset '{name}' (built-in: gold_daily_metrics, silver_transactions; or pass --query)").ConfigureAwait(false);
                return 2;
            }

            try
            {
                if (parse.GetValue(publish))
                {
                    await PublisherSchema.MigrateAsync(dataSource, null, cancellationToken).ConfigureAwait(false);
                    var publisher = new DatasetPublisher(dataSource, new DatasetStore(parse.GetValue(output)!), exporter);
                    (DatasetManifest manifest, _) = await publisher.PublishAsync(definition, parse.GetValue(watermark), cancellationToken).ConfigureAwait(false);
                    await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"published {manifest.Dataset} {manifest.Version}: {manifest.Rows} rows, {manifest.Files.Count} files, {manifest.Bytes} bytes")).ConfigureAwait(false);
                }
                else
                {
                    DatasetExportResult result = await exporter.ExportAsync(definition, parse.GetValue(output)!, cancellationToken).ConfigureAwait(false);
                    foreach (DatasetFile file in result.Files)
                    {
                        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{file.Path}\t{file.Rows} rows\t{file.Bytes} bytes\tsha256 {file.Sha256}")).ConfigureAwait(false);
                    }

                    await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"exported {result.Rows} rows in {result.Files.Count} files")).ConfigureAwait(false);
                }
            }
            catch (DatasetSchemaException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return 3;
            }

            return 0;
        });
        return export;
    }

    private static Command CreateDatasets()
    {
        Option<string> root = new("--root", "-r") { Description = "The dataset store root.", Required = true };
        Argument<string> name = new("dataset") { Description = "The dataset." };

        var list = new Command("list", "List datasets with their current and published versions.") { root };
        list.SetAction(async (parse, cancellationToken) =>
        {
            var store = new DatasetStore(parse.GetValue(root)!);
            foreach (string dataset in store.ListDatasets())
            {
                await parse.InvocationConfiguration.Output.WriteLineAsync(
                    $"{dataset}\tcurrent {store.GetCurrentVersion(dataset)}\tversions {string.Join(", ", store.ListVersions(dataset))}").ConfigureAwait(false);
            }

            return 0;
        });

        Option<string?> showVersion = new("--version") { Description = "The version (default: current)." };
        var show = new Command("show", "Show a version's manifest: schema, files, lineage.") { root, name, showVersion };
        show.SetAction(async (parse, cancellationToken) =>
        {
            var store = new DatasetStore(parse.GetValue(root)!);
            string dataset = parse.GetValue(name)!;
            string? v = parse.GetValue(showVersion) ?? store.GetCurrentVersion(dataset);
            if (v is null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"dataset '{dataset}' has no published version").ConfigureAwait(false);
                return 2;
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync(File.ReadAllText(Path.Combine(store.VersionPath(dataset, v), "manifest.json"))).ConfigureAwait(false);
            return 0;
        });

        Argument<string> from = new("from") { Description = "The first version." };
        Argument<string> to = new("to") { Description = "The second version." };
        var diff = new Command("diff", "Schema and row-count differences between two versions.") { root, name, from, to };
        diff.SetAction(async (parse, cancellationToken) =>
        {
            DatasetDiff d = new DatasetStore(parse.GetValue(root)!).Diff(parse.GetValue(name)!, parse.GetValue(from)!, parse.GetValue(to)!);
            TextWriter stdout = parse.InvocationConfiguration.Output;
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"rows {d.FromRows} -> {d.ToRows}")).ConfigureAwait(false);
            foreach (string line in d.SchemaChanges.Concat(d.PartitionChanges))
            {
                await stdout.WriteLineAsync(line).ConfigureAwait(false);
            }

            if (d.SchemaChanges.Count == 0)
            {
                await stdout.WriteLineAsync("schema unchanged").ConfigureAwait(false);
            }

            return 0;
        });

        Argument<string> target = new("version") { Description = "The version to make current again." };
        Option<string> rollbackConnection = CommonOptions.Connection(required: false);
        var rollback = new Command("rollback", "Make an earlier version current (pointer switch, recorded; with --connection also in the registry, with notifications).")
        {
            root, name, target, rollbackConnection,
        };
        rollback.SetAction(async (parse, cancellationToken) =>
        {
            var store = new DatasetStore(parse.GetValue(root)!);
            string dataset = parse.GetValue(name)!;
            string v = parse.GetValue(target)!;
            string? conn = parse.GetValue(rollbackConnection);
            string? previous = store.GetCurrentVersion(dataset);
            if (string.IsNullOrWhiteSpace(conn))
            {
                store.Rollback(dataset, v);
            }
            else
            {
                await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(conn);
                using var http = new HttpClient();
                var publisher = new DatasetPublisher(dataSource, store, new ParquetExporter(dataSource),
                    new DatasetSubscriptions(dataSource, http, new PublisherOptions { Root = store.Root }));
                await publisher.RollbackAsync(dataset, v, cancellationToken).ConfigureAwait(false);
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync($"{dataset}: {previous} -> {v}").ConfigureAwait(false);
            return 0;
        });

        return new Command("datasets", "Published Parquet datasets: versions, manifests, rollback.") { list, show, diff, rollback };
    }
}
