using System.Globalization;
using System.Text;
using Lakehouse.Geo;
using Lakehouse.Ingest;
using Lakehouse.Medallion;
using Lakehouse.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Lakehouse.Samples.Worker.Tests;

/// <summary>Starts workers in-process over a test database, loads bronze through the real loader, waits with bounds.</summary>
internal static class WorkerHarness
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static readonly byte[] KeySecret = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    /// <summary>Medallion options with the customer key the workers are configured with.</summary>
    public static MedallionOptions Keyed() => new() { CustomerKey = CustomerKey.Create("worker-tests", KeySecret) };

    /// <summary>Builds a worker whose configuration is only <paramref name="settings"/> over the defaults below.</summary>
    public static IHost Build(PostgresDatabase db, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Lakehouse:ConnectionString"] = db.ConnectionString,
            ["Lakehouse:Migrate"] = "true",
            ["Lakehouse:Medallion:CustomerKey:KeyId"] = "worker-tests",
            ["Lakehouse:Medallion:CustomerKey:Secret"] = Convert.ToBase64String(KeySecret),
            ["Lakehouse:Odoo:PollInterval"] = "00:00:00.200",
            ["Lakehouse:Worker:Medallion:Debounce"] = "00:00:00.300",
            ["Lakehouse:Worker:Medallion:SafetyInterval"] = "01:00:00",
            ["Lakehouse:Worker:Medallion:ReconnectBaseDelay"] = "00:00:00.200",
            ["Lakehouse:Worker:Medallion:ReconnectMaxDelay"] = "00:00:02",
        };
        foreach ((string key, string? value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        return WorkerApp.Build([], builder =>
        {
            builder.Configuration.Sources.Clear(); // not the sample's appsettings.json
            builder.Configuration.AddInMemoryCollection(values);
        });
    }

    public static async Task<IHost> StartAsync(PostgresDatabase db, IReadOnlyDictionary<string, string?>? settings = null)
    {
        IHost host = Build(db, settings);
        await host.StartAsync();
        return host;
    }

    public static WorkerStatus Status(this IHost host) => host.Services.GetRequiredService<WorkerStatus>();

    public static async Task StopAsync(IHost host)
    {
        await host.StopAsync();
        host.Dispose();
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"gave up waiting for {what} after {Patience}");
            }

            await Task.Delay(100);
        }
    }

    public static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    /// <summary>Waits until the medallion watermark has reached every bronze row.</summary>
    public static Task WaitForGoldToCatchUpAsync(PostgresDatabase db) => WaitUntilAsync(async () =>
        await db.ScalarAsync<long>("SELECT coalesce(max(id), 0) FROM scout.bronze_transactions") is var max and > 0
        && await db.ScalarAsync<long>("SELECT coalesce(max(last_bronze_id), 0) FROM scout.medallion_watermarks") == max,
        "the medallion watermark to reach the last bronze row");

    /// <summary>Loads <paramref name="count"/> generated events (ids from <paramref name="first"/>) through the real loader.</summary>
    public static async Task<BronzeLoadResult> LoadAsync(PostgresDatabase db, int first, int count, int seed)
    {
        var loader = new BronzeLoader(db.DataSource);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(Events(first, count, seed)));
        return await loader.LoadAsync(stream, new BronzeSource($"test:{first}", "pi-1"));
    }

    /// <summary>Realistic events: a few stores and days, items, customers, messy places, and some reused transaction ids.</summary>
    public static string Events(int first, int count, int seed)
    {
        var random = new Random(seed);
        string[] stores = ["101", "102", "103", "104"];
        string[] brands = ["Coke", "Lucky Me", "Safeguard", "Surf", "Marlboro", "Piattos"];
        string[] categories = ["beverages", "snacks", "personal_care", "household", "tobacco", "snacks"];
        string[] cities = ["Quezon City", "Makati", "cebu city", "Davao", "Nowhere Town"];
        string[] payments = ["cash", "gcash", "maya", "card"];
        var b = new StringBuilder();
        for (int i = first; i < first + count; i++)
        {
            int day = random.Next(0, 5);
            int hour = random.Next(0, 24);
            int item = random.Next(brands.Length);
            int qty = random.Next(1, 4);
            decimal price = random.Next(500, 9000) / 100m;
            // Every 25th event reuses an earlier transaction id (goes to quarantine as a duplicate transaction).
            int id = i % 25 == 24 ? i - 7 : i;
            string store = stores[random.Next(stores.Length)];
            string amount = (qty * price).ToString(CultureInfo.InvariantCulture);
            string unit = price.ToString(CultureInfo.InvariantCulture);
            b.Append(CultureInfo.InvariantCulture, $"{{\"transaction_id\":\"t-{id}\",\"store_id\":\"{store}\",\"ts\":\"2026-11-{17 + day:00}T{hour:00}:15:00+08:00\",")
                .Append(CultureInfo.InvariantCulture, $"\"peso_value\":{amount},\"payment_method\":\"{payments[random.Next(payments.Length)]}\",")
                .Append(CultureInfo.InvariantCulture, $"\"customer_id\":\"c-{random.Next(30)}\",\"customer_type\":\"returning\",")
                .Append(CultureInfo.InvariantCulture, $"\"items\":[{{\"sku\":\"sku-{item}\",\"brand\":\"{brands[item]}\",\"category\":\"{categories[item]}\",\"qty\":{qty},\"unit_price\":{unit}}}],")
                .Append(CultureInfo.InvariantCulture, $"\"location\":{{\"region\":\"NCR\",\"city\":\"{cities[random.Next(cities.Length)]}\"}}}}")
                .Append('\n');
        }

        return b.ToString();
    }

    /// <summary>One full in-memory recompute over every bronze row in the database, with the worker's place resolver.</summary>
    public static async Task<MedallionSnapshot> RecomputeAsync(PostgresDatabase db)
    {
        var rows = new List<BronzeRow>();
        await using (NpgsqlCommand select = db.DataSource.CreateCommand(
            "SELECT id, store_id, event_hash, raw, device_id, ingested_at FROM scout.bronze_transactions ORDER BY id"))
        await using (NpgsqlDataReader reader = await select.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add(new BronzeRow(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5)));
            }
        }

        var engine = new InMemoryMedallion(PsgcPlaceResolver.Create(new PsgcResolver(new GeoOptions())), Keyed());
        engine.Process(rows);
        return engine.Snapshot();
    }

    /// <summary>Waits for the watermark to reach the last bronze row, then asserts every bronze row is in silver or
    /// quarantine and the database equals the in-memory recompute.</summary>
    public static async Task AssertCaughtUpWithNothingLostAsync(PostgresDatabase db)
    {
        await WaitForGoldToCatchUpAsync(db);
        long bronze = await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions");
        Assert.Equal(bronze, await db.ScalarAsync<long>(
            "SELECT (SELECT count(*) FROM scout.silver_transactions) + (SELECT count(*) FROM scout.silver_quarantine)"));
        await AssertEqualsRecomputeAsync(db);
    }

    /// <summary>Asserts silver, quarantine and every gold table of the database equal the in-memory recompute.</summary>
    public static async Task AssertEqualsRecomputeAsync(PostgresDatabase db)
    {
        MedallionSnapshot expected = await RecomputeAsync(db);
        MedallionSnapshot actual = await new MedallionRunner(db.DataSource, null, Options.Create(Keyed())).ReadSnapshotAsync();
        Assert.NotEmpty(expected.GoldDaily);
        Assert.Equal(expected.Silver.Select(s => (s.StoreId, s.TransactionId, s.BronzeId)), actual.Silver.Select(s => (s.StoreId, s.TransactionId, s.BronzeId)));
        Assert.Equal(expected.Quarantine.Select(q => (q.BronzeId, q.Reason)), actual.Quarantine.Select(q => (q.BronzeId, q.Reason)));
        Assert.Equal(expected.GoldDaily, actual.GoldDaily);
        Assert.Equal(expected.GoldCustomers, actual.GoldCustomers);
        Assert.Equal(expected.GoldGeo, actual.GoldGeo);
        Assert.Equal(expected.GoldProducts, actual.GoldProducts);
    }
}
