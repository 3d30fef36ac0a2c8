using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Lakehouse.Cli.Demo;
using Lakehouse.Geo;
using Lakehouse.Ingest;
using Lakehouse.Medallion;
using Lakehouse.Publisher;
using Lakehouse.Samples.Api;
using Lakehouse.Samples.Worker;
using Lakehouse.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit.Abstractions;

namespace Lakehouse.EndToEnd.Tests;

/// <summary>
/// The whole deployment on one machine: the Pi as an OS process (SIGKILLed mid-upload and restarted), the Api on
/// loopback Kestrel (restarted once), the Worker in-process, one real PostgreSQL + PostGIS. The gold the Worker
/// computes, and the Parquet dataset it publishes, must equal the gold of the distinct events sent.
/// </summary>
public sealed class PipelineTests(PostgresDatabase db, ITestOutputHelper output) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const string EdgeSecret = "end-to-end-edge-token-secret-0123456789";
    private const string Device = "pi5-e2e";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private static readonly byte[] KeySecret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    private static MedallionOptions Options() => new() { CustomerKey = CustomerKey.Create("e2e", KeySecret) };
    private readonly string _root = Directory.CreateTempSubdirectory("lh-e2e-").FullName;
    private readonly int _port = FreePort();

    public async Task InitializeAsync() => await PublisherSchema.MigrateAsync(db.DataSource);

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // a file still held open by a process that is going away: the temp folder is swept later
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task Pi_to_api_to_bronze_to_worker_to_gold_to_parquet_survives_kills_and_an_api_restart()
    {
        // A realistic day: messy places, customers in several spellings, replays and bad lines, cut into inbox files.
        DateOnly day = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime).AddDays(-1);
        using var corpus = new MemoryStream();
        DemoCorpusStats planted = new DemoDataGenerator(day, stores: 12, seed: 23).Write(corpus, transactions: 1500);
        string[] lines = Encoding.UTF8.GetString(corpus.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        List<string[]> files = lines.Chunk(60).ToList();
        (List<BronzeRow> distinct, int invalid) = Distinct(lines);
        Assert.Equal(planted.Distinct, distinct.Count);
        Assert.Equal(planted.Malformed, invalid);

        string inbox = Path.Combine(_root, "inbox"), spool = Path.Combine(_root, "spool"), datasets = Path.Combine(_root, "datasets");
        WebApplication api = await StartApiAsync();
        using IHost worker = WorkerApp.Build([], builder =>
        {
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Warning",
                ["Lakehouse:ConnectionString"] = db.ConnectionString,
                ["Lakehouse:Migrate"] = "true",
                ["Lakehouse:Medallion:CustomerKey:KeyId"] = "e2e",
                ["Lakehouse:Medallion:CustomerKey:Secret"] = Convert.ToBase64String(KeySecret),
                ["Lakehouse:Worker:Medallion:Debounce"] = "00:00:00.300",
                ["Lakehouse:Worker:Medallion:SafetyInterval"] = "00:00:05",
                ["Lakehouse:Worker:Odoo:Enabled"] = "false",
                ["Lakehouse:Publisher:Root"] = datasets,
                ["Lakehouse:Worker:Datasets:0:Name"] = "gold_daily_metrics",
                ["Lakehouse:Worker:Datasets:0:Schedule"] = "*/2 * * * * *",
            });
        });
        await worker.StartAsync();
        await using var pi = new PiProcess(new Dictionary<string, string>
        {
            ["ApiBaseUrl"] = $"http://127.0.0.1:{_port}",
            ["DeviceId"] = Device,
            ["Token"] = new EdgeTokenIssuer(new EdgeTokenOptions { Secret = EdgeSecret }).Issue(Device),
            ["InboxPath"] = inbox,
            ["SpoolPath"] = spool,
            ["SegmentMaxLines"] = "50",
            ["SegmentMaxAge"] = "00:00:00.200",
            ["InboxPollInterval"] = "00:00:00.100",
            ["InboxSettleTime"] = "00:00:00",
            ["RetryBaseDelay"] = "00:00:00.050",
            ["RetryMaxDelay"] = "00:00:00.500",
        });

        try
        {
            var random = new Random(8);
            var atKills = new List<long>();
            int fed = 0;
            for (int round = 0; round < 4; round++)
            {
                for (int upTo = files.Count * (round + 1) / 4; fed < upTo; fed++)
                {
                    PiProcess.DropInboxFile(inbox, $"pos-{fed:D3}.jsonl", files[fed]);
                }

                long before = await ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions");
                pi.Start();
                await pi.WaitForReadyAsync(Bound);
                await PiProcess.WaitUntilAsync(async () => await ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions") > before || PiProcess.IsDrained(inbox, spool), Bound, "upload progress", pi);
                await Task.Delay(random.Next(0, 200));
                pi.Kill();
                atKills.Add(await ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions"));
                output.WriteLine($"round {round}: Pi killed with {atKills[^1]} of {distinct.Count} events in bronze");
                if (round == 1)
                {
                    // The Api goes away while the Pi runs: the Pi must keep its segments and retry.
                    pi.Start();
                    await pi.WaitForReadyAsync(Bound);
                    await api.StopAsync();
                    await api.DisposeAsync();
                    await Task.Delay(random.Next(200, 600));
                    api = await StartApiAsync();
                    output.WriteLine("Api restarted");
                    pi.Kill();
                }
            }

            pi.Start();
            await pi.WaitForReadyAsync(Bound);
            await PiProcess.WaitUntilAsync(() => PiProcess.IsDrained(inbox, spool), Bound, "the Pi's inbox and spool to drain", pi);
            Assert.Equal(0, await pi.StopAsync(TimeSpan.FromSeconds(20)));

            // The kills landed while work was left (the test would prove nothing if every kill came after the drain).
            Assert.Contains(atKills, n => n < distinct.Count);

            // Bronze: exactly the distinct events, none twice.
            Assert.Equal((long)distinct.Count, await ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions"));
            Assert.Equal((long)distinct.Count, await ScalarAsync<long>("SELECT count(DISTINCT (store_id, transaction_id)) FROM scout.bronze_transactions"));

            // Gold, computed by the Worker after the notifications: equal to the gold of the distinct events.
            List<string> expected = GoldLines(ExpectedGold(distinct));
            List<string> actual = [];
            await PiProcess.WaitUntilAsync(async () => (actual = GoldLines(await GoldAsync())).SequenceEqual(expected), Bound, "the worker's gold to equal the expected gold");
            Assert.Equal(expected, actual);

            // Parquet: a dataset version the Worker published after that equals it too, read by DuckDB.
            var store = new DatasetStore(datasets);
            List<string> parquet = [];
            await PiProcess.WaitUntilAsync(() =>
            {
                (DatasetManifest Manifest, string Folder)? current = store.ResolveCurrent("gold_daily_metrics");
                parquet = current is null ? [] : ParquetGold(current.Value.Folder);
                return parquet.SequenceEqual(ExpectedParquet(ExpectedGold(distinct)));
            }, Bound, "a published Parquet version with the final gold");
            Assert.NotEmpty(parquet);
        }
        finally
        {
            await worker.StopAsync();
            await api.StopAsync();
            await api.DisposeAsync();
        }
    }

    private async Task<WebApplication> StartApiAsync()
    {
        WebApplication app = ApiApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Lakehouse:ConnectionString"] = db.ConnectionString,
                ["Lakehouse:EdgeTokenSecret"] = EdgeSecret,
                ["Lakehouse:OdooWebhookSecret"] = "unused-in-this-test",
            });
            builder.Configuration["urls"] = $"http://127.0.0.1:{_port}";
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await app.StartAsync();
        return app;
    }

    // What bronze must end with: each valid line once per (store, event hash), as the loader's unique key keeps it.
    private static (List<BronzeRow> Rows, int Invalid) Distinct(string[] lines)
    {
        DemoRunner.InMemoryBronze bronze = DemoRunner.ReadBronze(Encoding.UTF8.GetBytes(string.Join('\n', lines)), TimeProvider.System.GetUtcNow());
        return (bronze.Rows, (int)bronze.Rejected);
    }

    private static IReadOnlyList<GoldDailyMetrics> ExpectedGold(List<BronzeRow> distinct)
    {
        var engine = new InMemoryMedallion(PsgcPlaceResolver.Create(new PsgcResolver()), Options());
        engine.Process(distinct);
        return engine.Snapshot().GoldDaily;
    }

    private async Task<IReadOnlyList<GoldDailyMetrics>> GoldAsync()
    {
        var runner = new MedallionRunner(db.DataSource, null, Microsoft.Extensions.Options.Options.Create(Options()));
        return (await runner.ReadSnapshotAsync()).GoldDaily;
    }

    private static List<string> GoldLines(IEnumerable<GoldDailyMetrics> gold) =>
        [.. gold.OrderBy(g => g.StoreId, StringComparer.Ordinal).ThenBy(g => g.DateKey).Select(g => string.Create(CultureInfo.InvariantCulture,
            $"{g.StoreId} {g.DateKey:yyyy-MM-dd} {g.TransactionCount} {g.TotalSales:0.00} {g.NetSales:0.00} {g.UniqueCustomers} {g.NewCustomers} {g.UnitsSold:0.###} {g.MorningSales:0.00} {g.EveningSales:0.00} {g.CampaignSales:0.00}"))];

    private static List<string> ExpectedParquet(IEnumerable<GoldDailyMetrics> gold) =>
        [.. gold.OrderBy(g => g.StoreId, StringComparer.Ordinal).ThenBy(g => g.DateKey).Select(g => string.Create(CultureInfo.InvariantCulture,
            $"{g.StoreId} {g.DateKey:yyyy-MM-dd} {g.TransactionCount} {Math.Round(g.NetSales, 2, MidpointRounding.AwayFromZero):0.00}"))];

    private static List<string> ParquetGold(string folder)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT store_id, date_key::text, transaction_count::bigint, net_sales::decimal(18,2)::text FROM read_parquet('{folder}/**/*.parquet', hive_partitioning = true) ORDER BY store_id, date_key";
        using DuckDBDataReader reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Create(CultureInfo.InvariantCulture, $"{reader.GetString(0)} {reader.GetString(1)} {reader.GetInt64(2)} {reader.GetString(3)}"));
        }

        return rows;
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using NpgsqlCommand command = db.DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
