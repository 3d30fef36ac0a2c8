using BenchmarkDotNet.Attributes;
using Lakehouse.Medallion;
using Lakehouse.Testing;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Lakehouse.Benchmarks.Medallion;

/// <summary>
/// Gold in PostgreSQL: the library's incremental run (bronze → silver → gold merge → platinum) against the
/// baseline one would otherwise write — a single <c>INSERT … SELECT … GROUP BY</c> from the same silver rows.
/// </summary>
[MemoryDiagnoser]
public class PostgresGoldBenchmarks
{
    private PostgresDatabase _db = null!;

    /// <summary>Transactions per operation.</summary>
    [Params(50_000)]
    public int Transactions { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _db = new PostgresDatabase();
        await _db.InitializeAsync();
        await MedallionSchema.MigrateAsync(_db.DataSource);
        await using NpgsqlConnection connection = await _db.OpenAsync();
        await using NpgsqlBinaryImporter importer = await connection.BeginBinaryImportAsync(
            "COPY scout.bronze_transactions (id, store_id, event_hash, raw, ingested_at) FROM STDIN (FORMAT BINARY)");
        foreach (BronzeRow row in BronzeRows.Generate(Transactions))
        {
            await importer.StartRowAsync();
            await importer.WriteAsync(row.Id, NpgsqlDbType.Bigint);
            await importer.WriteAsync(row.StoreId, NpgsqlDbType.Text);
            await importer.WriteAsync(row.EventHash, NpgsqlDbType.Bytea);
            await importer.WriteAsync(row.Raw, NpgsqlDbType.Text);
            await importer.WriteAsync(row.IngestedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        }

        await importer.CompleteAsync();
        await connection.CloseAsync();
        await LibraryRun(); // silver exists for the baseline from here on
    }

    [GlobalCleanup]
    public Task Cleanup() => _db.DisposeAsync();

    [IterationSetup(Target = nameof(LibraryRun))]
    public void ResetLayers() => _db.ExecuteAsync("""
        TRUNCATE scout.silver_line_items, scout.silver_transactions, scout.silver_quarantine, scout.gold_daily_metrics,
                 scout.gold_store_day_customers, scout.gold_geo_store_daily, scout.gold_product_store_daily, scout.medallion_watermarks,
                 scout.dim_store, scout.dim_product, scout.dim_customer, scout.dim_campaign CASCADE
        """).GetAwaiter().GetResult();

    [Benchmark]
    public async Task<long> LibraryRun()
    {
        var runner = new MedallionRunner(_db.DataSource, BronzeRows.Resolve, Options.Create(BronzeRows.Options()));
        return (await runner.RunAsync()).SilverInserted;
    }

    private long _nextId = 10_000_000;

    /// <summary>
    /// Freshness: one bronze insert, then the incremental run that makes gold (and platinum) reflect it — the lag a
    /// worker woken by <c>NOTIFY lakehouse_bronze</c> adds, on top of the table's existing rows.
    /// </summary>
    [Benchmark]
    public async Task<long> FreshnessOneInsertToGold()
    {
        long id = Interlocked.Increment(ref _nextId);
        string raw = "{\"store_id\":\"S1\",\"transaction_id\":\"F" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\",\"peso_value\":10}";
        await using (NpgsqlCommand insert = _db.DataSource.CreateCommand(
            "INSERT INTO scout.bronze_transactions (id, store_id, event_hash, raw) VALUES ($1, 'S1', sha256(convert_to($2, 'UTF8')), $2)"))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = id });
            insert.Parameters.Add(new NpgsqlParameter { Value = raw });
            await insert.ExecuteNonQueryAsync();
        }

        var runner = new MedallionRunner(_db.DataSource, BronzeRows.Resolve, Options.Create(BronzeRows.Options()));
        return (await runner.RunAsync()).SilverInserted;
    }

    [Benchmark(Baseline = true)]
    public async Task<long> SqlGroupByFromSilver()
    {
        await _db.ExecuteAsync("""
            DROP TABLE IF EXISTS bench_gold;
            CREATE UNLOGGED TABLE bench_gold AS
            SELECT store_id, date_key, count(*) AS transaction_count, sum(total_amount) AS total_sales, sum(discount_amount) AS total_discount,
                   sum(net_amount) AS net_sales, count(DISTINCT customer_id) AS unique_customers, sum(units) AS units_sold,
                   round(sum(units) / count(*), 4) AS avg_basket_size, round(sum(net_amount) / count(*), 4) AS avg_transaction_value,
                   coalesce(sum(net_amount) FILTER (WHERE time_of_day = 'morning'), 0) AS morning_sales,
                   coalesce(sum(net_amount) FILTER (WHERE time_of_day = 'afternoon'), 0) AS afternoon_sales,
                   coalesce(sum(net_amount) FILTER (WHERE time_of_day = 'evening'), 0) AS evening_sales,
                   coalesce(sum(net_amount) FILTER (WHERE time_of_day = 'night'), 0) AS night_sales,
                   count(*) FILTER (WHERE campaign_id IS NOT NULL) AS campaign_transactions
            FROM scout.silver_transactions GROUP BY store_id, date_key
            """);
        return await _db.ScalarAsync<long>("SELECT count(*) FROM bench_gold");
    }
}
