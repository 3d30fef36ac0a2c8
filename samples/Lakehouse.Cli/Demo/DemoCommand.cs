using System.CommandLine;
using System.Globalization;
using Lakehouse.Geo;
using Lakehouse.Ingest;
using Lakehouse.Medallion;
using Spectre.Console;

namespace Lakehouse.Cli.Demo;

/// <summary><c>lakehouse demo</c>: the quick start. No server needed; <c>--connection</c> runs it on PostgreSQL.</summary>
internal static class DemoCommand
{
    private static readonly TimeSpan PhilippineOffset = TimeSpan.FromHours(8);

    public static Command Create()
    {
        var output = new Option<string>("--out", "-o") { Description = "Folder for the generated JSON Lines, the Parquet dataset and the map (default ./lakehouse-demo).", DefaultValueFactory = _ => "lakehouse-demo" };
        var transactions = new Option<int>("--transactions", "-n") { Description = "Distinct transactions to generate (default 10000).", DefaultValueFactory = _ => 10_000 };
        var stores = new Option<int>("--stores") { Description = "Stores (1–500, default 40).", DefaultValueFactory = _ => 40 };
        var date = new Option<string?>("--date", "-d") { Description = "The Philippine local day, yyyy-MM-dd (default: yesterday in Manila)." };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed gives the same data (default 2026).", DefaultValueFactory = _ => 2026 };
        var connection = new Option<string?>("--connection", "-c") { Description = "Run on this PostgreSQL (migrated first) instead of in memory." };
        var customerKey = new Option<string?>("--customer-key")
        {
            Description = $"Customer pseudonym key '<key id>:<base64 of 32+ bytes>' (default: {CommonOptions.CustomerKeyVariable}, else a random key kept in <out>/customer-key.txt).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(CommonOptions.CustomerKeyVariable),
        };
        var command = new Command("demo", "The quick start: generate a day of sari-sari store transactions (messy places, replays, bad lines), ingest, run silver → gold → platinum, publish a Parquet dataset and draw sales by region. In memory unless --connection is given.")
        {
            output, transactions, stores, date, seed, connection, customerKey,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter error = parse.InvocationConfiguration.Error;
            DateOnly day = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().ToOffset(PhilippineOffset).DateTime).AddDays(-1);
            if (parse.GetValue(date) is { } typed && !DateOnly.TryParseExact(typed, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
            {
                await error.WriteLineAsync($"error: --date '{typed}' is not yyyy-MM-dd").ConfigureAwait(false);
                return 2;
            }

            int count = parse.GetValue(transactions);
            int storeCount = parse.GetValue(stores);
            if (count is < 1 or > 5_000_000 || storeCount is < 1 or > 500)
            {
                await error.WriteLineAsync("error: --transactions must be 1–5000000 and --stores 1–500").ConfigureAwait(false);
                return 2;
            }

            var request = new DemoRequest(
                Path.GetFullPath(parse.GetValue(output)!), count, storeCount, day, parse.GetValue(seed), parse.GetValue(connection),
                string.IsNullOrWhiteSpace(parse.GetValue(customerKey)) ? null : parse.GetValue(customerKey));
            return await RunAsync(request, parse.InvocationConfiguration.Output, error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    internal static async Task<int> RunAsync(DemoRequest request, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]Lakehouse quick start[/]: {request.Transactions:N0} transactions from {request.Stores} stores on {request.Day:yyyy-MM-dd}, {(request.Connection is null ? "in memory" : "on PostgreSQL")}"));
        DemoSummary summary;
        try
        {
            if (console.Profile.Capabilities.Interactive)
            {
                summary = await console.Progress().AutoClear(false).StartAsync(async context =>
                {
                    var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                    return await DemoRunner.RunAsync(request, (step, percent) =>
                    {
                        if (!tasks.TryGetValue(step, out ProgressTask? task))
                        {
                            tasks[step] = task = context.AddTask(step);
                        }

                        task.Value = percent;
                    }, cancellationToken).ConfigureAwait(false);
                }).ConfigureAwait(false);
            }
            else
            {
                summary = await DemoRunner.RunAsync(request, null, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or IOException or UnauthorizedAccessException or Publisher.DatasetSchemaException or FormatException or ArgumentException)
        {
            await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            return 1;
        }

        Write(console, summary);
        return 0;
    }

    private static void Write(IAnsiConsole console, DemoSummary s)
    {
        foreach ((string step, TimeSpan elapsed) in s.Steps)
        {
            console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"  [green]✓[/] {Markup.Escape(step),-26} {elapsed.TotalSeconds,6:0.00} s"));
        }

        MedallionSnapshot snap = s.Snapshot;
        decimal net = snap.GoldDaily.Sum(static g => g.NetSales);
        long transactions = snap.GoldDaily.Sum(static g => g.TransactionCount);
        long resolved = snap.Silver.Count(static t => t.GeoStatus is "exact" or "fuzzy");
        var table = new Table().Title("[bold]Summary[/]").AddColumns("stage", "measure", "value");
        table.AddRow("ingest", "lines read", N(s.Lines));
        table.AddRow("", "accepted (distinct events)", N(s.Accepted));
        table.AddRow("", "duplicates dropped (replays)", N(s.Duplicates));
        table.AddRow("", "rejected (bad lines)", N(s.Rejected));
        table.AddRow("silver", "transactions", N(snap.Silver.Count));
        table.AddRow("", "quarantined", N(snap.Quarantine.Count));
        table.AddRow("", "places resolved to PSGC", snap.Silver.Count == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{resolved:N0} ({100.0 * resolved / snap.Silver.Count:0.0} %)"));
        table.AddRow("gold", "store-days", N(snap.GoldDaily.Count));
        table.AddRow("", "transactions", N(transactions));
        table.AddRow("", "net sales", string.Create(CultureInfo.InvariantCulture, $"PHP {net:N2}"));
        table.AddRow("", "customers (distinct per store-day)", N(snap.GoldCustomers.Count));
        table.AddRow("platinum", "customers scored (RFM)", N(snap.Rfm.Count));
        table.AddRow("", "products with velocity", N(snap.Velocity.Count));
        table.AddRow("", "store-day anomalies", N(snap.Anomalies.Count(static a => a.IsAnomaly)));
        table.AddRow("", "basket segments (k-means)", N(snap.BasketProfiles.Count));
        table.AddRow("", "customer segments", N(snap.CustomerSegments.Count));
        table.AddRow("publish", Markup.Escape($"{s.Dataset.Dataset} {s.Dataset.Version}"),
            string.Create(CultureInfo.InvariantCulture, $"{s.Dataset.Rows:N0} rows, {s.Dataset.Files.Count} file(s), {s.Dataset.Bytes:N0} bytes"));
        console.Write(table);

        if (s.SalesByRegion.Count > 0)
        {
            var regions = new Table().Title("[bold]Top regions by net sales[/]").AddColumns("region", "net sales (PHP)");
            BoundarySet boundaries = PhilippineBoundaries.For(BoundaryLevel.Region);
            foreach ((string code, decimal value) in s.SalesByRegion.Take(5))
            {
                string name = boundaries.TryGetFeature(code, out BoundaryFeature? feature) ? feature.ShortName ?? feature.Name : code;
                regions.AddRow(Markup.Escape(name), value.ToString("N2", CultureInfo.InvariantCulture));
            }

            console.Write(regions);
        }

        if (snap.BasketProfiles.Count > 0)
        {
            // The compact columns of `lakehouse clusters` (cluster, label, txn %, sales %, avg PHP, avg items, hour).
            int[] shown = [1, 2, 4, 5, 6, 7, 9];
            var clusters = new Table().Title("[bold]Basket segments (platinum, k-means)[/]")
                .AddColumns("cluster", "label", "txn %", "sales %", "avg PHP", "items", "hour");
            foreach (BasketClusterProfile profile in snap.BasketProfiles)
            {
                string[] cells = BasketClustering.ProfileCells(profile);
                clusters.AddRow([.. shown.Select(i => Markup.Escape(cells[i]))]);
            }

            console.Write(clusters);
        }

        foreach (IngestError e in s.FirstErrors)
        {
            console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"  rejected line {e.LineNumber} at byte {e.ByteOffset}: {e.Reason}{(e.Field is null ? "" : " " + e.Field)} ({e.Message})")));
        }

        console.MarkupLine("Wrote:");
        console.MarkupLine("  " + Markup.Escape(s.JsonlPath));
        console.MarkupLine("  " + Markup.Escape(s.DatasetFolder) + "  [grey](Parquet, Hive-partitioned; manifest.json beside it)[/]");
        console.MarkupLine("  " + Markup.Escape(s.SvgPath) + "  [grey](open it in a browser)[/]");
        console.MarkupLine("Customer ids appear only as keyed pseudonyms (HMAC-SHA256) from silver on; the raw events stay in the JSON Lines file.");
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
