using System.Diagnostics;
using System.Globalization;
using Lakehouse.Geo;
using Lakehouse.Ingest;
using Lakehouse.Medallion;
using Lakehouse.Publisher;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Lakehouse.Cli.Demo;

/// <summary>The arguments of <c>lakehouse demo</c>.</summary>
internal sealed record DemoRequest(string OutputDirectory, int Transactions, int Stores, DateOnly Day, int Seed, string? Connection, string? CustomerKey = null);

/// <summary>What a demo run did, for the summary table and the tests.</summary>
internal sealed record DemoSummary
{
    public required DemoCorpusStats Planted { get; init; }
    public required string Engine { get; init; }
    public required long Lines { get; init; }
    public required long Accepted { get; init; }
    public required long Duplicates { get; init; }
    public required long Rejected { get; init; }
    public required IReadOnlyList<IngestError> FirstErrors { get; init; }
    public required MedallionSnapshot Snapshot { get; init; }
    public required DatasetManifest Dataset { get; init; }
    public required string DatasetFolder { get; init; }
    public required string JsonlPath { get; init; }
    public required string SvgPath { get; init; }
    public required IReadOnlyList<KeyValuePair<string, decimal>> SalesByRegion { get; init; }
    public required IReadOnlyList<(string Step, TimeSpan Elapsed)> Steps { get; init; }
}

/// <summary>
/// The quick start's pipeline: generate a day of transactions, ingest them (dedup and rejects), run silver → gold →
/// platinum, publish the gold as a Parquet dataset version and draw sales by region — in memory, or on PostgreSQL
/// when a connection string is given. Only composes the packages.
/// </summary>
internal static class DemoRunner
{
    private const int MaxErrorsKept = 5;

    public static async Task<DemoSummary> RunAsync(DemoRequest request, Action<string, double>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Directory.CreateDirectory(request.OutputDirectory);
        var steps = new List<(string, TimeSpan)>();
        var clock = Stopwatch.StartNew();
        void Done(string step)
        {
            steps.Add((step, clock.Elapsed));
            progress?.Invoke(step, 100);
            clock.Restart();
        }

        // 1. A day of transactions, kept as a file so it can be looked at or re-ingested with `lakehouse ingest`.
        progress?.Invoke("generate", 0);
        string jsonl = Path.Combine(request.OutputDirectory, string.Create(CultureInfo.InvariantCulture, $"transactions-{request.Day:yyyy-MM-dd}.jsonl"));
        DemoCorpusStats planted;
        await using (FileStream file = File.Create(jsonl))
        {
            planted = new DemoDataGenerator(request.Day, request.Stores, request.Seed).Write(file, request.Transactions);
        }

        Done("generate");
        var resolver = PsgcPlaceResolver.Create(new PsgcResolver());
        var options = new MedallionOptions { CustomerKey = Lakehouse.Medallion.CustomerKey.Parse(request.CustomerKey ?? DemoKey(request.OutputDirectory)) };
        string datasetRoot = Path.Combine(request.OutputDirectory, "datasets");
        DemoSummary summary = request.Connection is null
            ? await RunInMemoryAsync(request, jsonl, planted, resolver, options, datasetRoot, Done, progress, cancellationToken).ConfigureAwait(false)
            : await RunOnPostgresAsync(request, jsonl, planted, resolver, options, datasetRoot, Done, progress, cancellationToken).ConfigureAwait(false);

        // Sales by region, as a map a browser shows.
        progress?.Invoke("map", 0);
        List<KeyValuePair<string, decimal>> byRegion = summary.Snapshot.GoldGeo
            .Where(static g => g.RegionCode.Length > 0)
            .GroupBy(static g => g.RegionCode, StringComparer.Ordinal)
            .Select(static g => KeyValuePair.Create(g.Key, g.Sum(static x => x.PesoTotal)))
            .OrderByDescending(static kv => kv.Value)
            .ToList();
        Choropleth map = Choropleth.Create(PhilippineBoundaries.For(BoundaryLevel.Region), byRegion, new ChoroplethOptions
        {
            Title = string.Create(CultureInfo.InvariantCulture, $"Sari-sari sales by region, {request.Day:d MMMM yyyy}"),
            LegendTitle = "Net sales (PHP)",
            ValueFormat = "#,0",
        });
        string svg = Path.Combine(request.OutputDirectory, "sales-by-region.svg");
        await using (FileStream file = File.Create(svg))
        {
            map.WriteSvg(file);
        }

        Done("map");
        steps.InsertRange(0, summary.Steps);
        return summary with { JsonlPath = jsonl, SvgPath = svg, SalesByRegion = byRegion, Steps = steps };
    }

    private static async Task<DemoSummary> RunInMemoryAsync(
        DemoRequest request, string jsonl, DemoCorpusStats planted, PlaceResolver resolver, MedallionOptions options, string datasetRoot,
        Action<string> done, Action<string, double>? progress, CancellationToken cancellationToken)
    {
        // Ingest: the same reader, validation and event hash as the bronze loader; dedup on (store, event hash) as
        // bronze's unique key does.
        progress?.Invoke("ingest", 0);
        DateTimeOffset ingestedAt = new DateTimeOffset(request.Day.ToDateTime(new TimeOnly(23, 59)), TimeSpan.FromHours(8)).AddMinutes(5);
        InMemoryBronze bronze = ReadBronze(await File.ReadAllBytesAsync(jsonl, cancellationToken).ConfigureAwait(false), ingestedAt);
        List<BronzeRow> rows = bronze.Rows;
        done("ingest");
        progress?.Invoke("medallion", 0);
        var engine = new InMemoryMedallion(resolver, options);
        engine.Process(rows);
        MedallionSnapshot snapshot = engine.Snapshot();
        done("silver → gold → platinum");

        progress?.Invoke("publish", 0);
        var store = new DatasetStore(datasetRoot);
        var publisher = new DatasetPublisher(store, new ParquetExporter(options: null));
        DatasetDefinition definition = NextVersion(
            await publisher.GetLatestVersionAsync(BuiltInDatasets.GoldDailyMetrics.Name, cancellationToken).ConfigureAwait(false), BuiltInDatasets.GoldDailyMetrics);
        (DatasetManifest manifest, _) = await publisher.PublishRowsAsync(
            definition, GoldRows(snapshot), engine.Watermark.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        done("publish Parquet");
        return Summary("in-memory", planted, bronze.Lines, rows.Count, bronze.Duplicates, bronze.Rejected, bronze.FirstErrors, snapshot, manifest, store);
    }

    private static async Task<DemoSummary> RunOnPostgresAsync(
        DemoRequest request, string jsonl, DemoCorpusStats planted, PlaceResolver resolver, MedallionOptions options, string datasetRoot,
        Action<string> done, Action<string, double>? progress, CancellationToken cancellationToken)
    {
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(request.Connection!);
        progress?.Invoke("migrate", 0);
        await PublisherSchema.MigrateAsync(dataSource, null, cancellationToken).ConfigureAwait(false);
        done("migrate");

        progress?.Invoke("ingest", 0);
        var loader = new BronzeLoader(dataSource);
        BronzeLoadResult loaded;
        List<IngestError> errors = [];
        await using (FileStream file = File.OpenRead(jsonl))
        {
            loaded = await loader.LoadAsync(file, new BronzeSource(Path.GetFileName(jsonl)), e =>
            {
                if (errors.Count < MaxErrorsKept)
                {
                    errors.Add(e);
                }
            }, null, cancellationToken).ConfigureAwait(false);
        }

        done("ingest → bronze");
        progress?.Invoke("medallion", 0);
        var runner = new MedallionRunner(dataSource, resolver, Options.Create(options));
        MedallionRunResult run = await runner.RunAsync(null, cancellationToken).ConfigureAwait(false);
        MedallionSnapshot snapshot = await runner.ReadSnapshotAsync(cancellationToken).ConfigureAwait(false);
        done("silver → gold → platinum");

        progress?.Invoke("publish", 0);
        var store = new DatasetStore(datasetRoot);
        var publisher = new DatasetPublisher(dataSource, store, new ParquetExporter(dataSource));
        DatasetDefinition definition = NextVersion(
            await publisher.GetLatestVersionAsync(BuiltInDatasets.GoldDailyMetrics.Name, cancellationToken).ConfigureAwait(false), BuiltInDatasets.GoldDailyMetrics);
        (DatasetManifest manifest, _) = await publisher.PublishAsync(
            definition, run.Watermark.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        done("publish Parquet");
        return Summary("PostgreSQL", planted, loaded.Lines, loaded.Inserted, loaded.Duplicates, loaded.Rejected, errors, snapshot, manifest, store);
    }

    /// <summary>What in-memory ingest kept: distinct valid events as bronze rows, and the counts of the rest.</summary>
    internal sealed record InMemoryBronze(List<BronzeRow> Rows, long Lines, long Duplicates, long Rejected, IReadOnlyList<IngestError> FirstErrors);

    // Ingest without a database: the bronze loader's reader, validation and event hash, and its unique key
    // (store, event hash) for dedup; ids in arrival order.
    internal static InMemoryBronze ReadBronze(ReadOnlyMemory<byte> jsonl, DateTimeOffset ingestedAt)
    {
        var seen = new HashSet<(string, string)>();
        var rows = new List<BronzeRow>();
        var errors = new List<IngestError>();
        long lines = 0, duplicates = 0, rejected = 0;
        using JsonlReader reader = JsonlReader.Create(jsonl);
        while (reader.Read())
        {
            lines++;
            if (!reader.IsValid)
            {
                rejected++;
                if (errors.Count < MaxErrorsKept)
                {
                    errors.Add(reader.Error);
                }

                continue;
            }

            TransactionRecord record = reader.Record;
            string storeId = System.Text.Encoding.UTF8.GetString(record.StoreId);
            byte[] hash = record.EventHash.ToArray();
            if (!seen.Add((storeId, Convert.ToHexStringLower(hash))))
            {
                duplicates++;
                continue;
            }

            string? device = record.DeviceId.IsEmpty ? null : System.Text.Encoding.UTF8.GetString(record.DeviceId);
            rows.Add(new BronzeRow(rows.Count + 1, storeId, hash, System.Text.Encoding.UTF8.GetString(reader.CurrentRaw), device, ingestedAt));
        }

        return new InMemoryBronze(rows, lines, duplicates, rejected, errors);
    }

    private static DemoSummary Summary(
        string engine, DemoCorpusStats planted, long lines, long accepted, long duplicates, long rejected, IReadOnlyList<IngestError> errors,
        MedallionSnapshot snapshot, DatasetManifest manifest, DatasetStore store) => new()
        {
            Engine = engine,
            Planted = planted,
            Lines = lines,
            Accepted = accepted,
            Duplicates = duplicates,
            Rejected = rejected,
            FirstErrors = errors,
            Snapshot = snapshot,
            Dataset = manifest,
            DatasetFolder = store.VersionPath(manifest.Dataset, manifest.Version),
            JsonlPath = "",
            SvgPath = "",
            SalesByRegion = [],
            Steps = [],
        };

    // Customer ids are only ever stored as keyed pseudonyms; the demo keeps a random key of its own beside its output
    // (readable by the owner only) so that re-runs, in memory or on the same database, give the same pseudonyms.
    private static string DemoKey(string directory)
    {
        string path = Path.Combine(directory, "customer-key.txt");
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        string key = "demo:" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options))
        {
            writer.Write(key);
        }

        return key;
    }

    // Each demo run publishes the next patch version, so the folder keeps a history to diff and roll back.
    private static DatasetDefinition NextVersion(string? latest, DatasetDefinition definition)
    {
        if (latest is null)
        {
            return definition;
        }

        string[] parts = latest.Split('.');
        int patch = int.Parse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture) + 1;
        return definition.WithVersion(string.Create(CultureInfo.InvariantCulture, $"{parts[0]}.{parts[1]}.{patch}"));
    }

    // The built-in gold_daily_metrics columns, in declaration order, from the in-memory gold.
    internal static IEnumerable<object?[]> GoldRows(MedallionSnapshot snapshot) =>
        snapshot.GoldDaily
            .OrderBy(static g => g.DateKey).ThenBy(static g => g.StoreId, StringComparer.Ordinal)
            .Select(static g => new object?[]
            {
                g.DateKey, g.StoreId, g.TenantId, g.TransactionCount, Round(g.TotalSales, 2), Round(g.NetSales, 2),
                g.UniqueCustomers, Round(g.UnitsSold, 3), Round(g.AvgTransactionValue, 2), g.CampaignTransactions,
            });

    // PostgreSQL's numeric(p,s) cast rounds half away from zero; so does the in-memory export.
    private static decimal Round(decimal value, int decimals) => Math.Round(value, decimals, MidpointRounding.AwayFromZero);
}
