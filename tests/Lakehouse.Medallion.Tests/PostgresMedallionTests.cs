using FsCheck;
using FsCheck.Fluent;
using Lakehouse.Testing;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Lakehouse.Medallion.Tests;

public sealed class PostgresMedallionTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await MedallionSchema.MigrateAsync(db.DataSource);
        await Reset();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task Reset() => await db.ExecuteAsync("""
        TRUNCATE scout.bronze_transactions, scout.silver_line_items, scout.silver_transactions, scout.silver_quarantine,
                 scout.gold_daily_metrics, scout.gold_store_day_customers, scout.gold_geo_store_daily, scout.gold_product_store_daily,
                 scout.dim_store, scout.dim_product, scout.dim_customer, scout.dim_campaign, scout.medallion_watermarks CASCADE
        """);

    private MedallionRunner Runner(int batchSize = 50_000) =>
        new(db.DataSource, BronzeCorpus.Resolve, Options.Create(TestKeys.Batched(batchSize)));


    private Task InsertBronzeAsync(IEnumerable<BronzeRow> rows) => BronzeCorpus.InsertAsync(db, rows);

    [Fact]
    public async Task RunAsync_over_batches_with_reruns_equals_the_in_memory_engine_and_is_idempotent()
    {
        List<BronzeRow> rows = BronzeCorpus.Generate(seed: 7, count: 600);
        var memory = new InMemoryMedallion(BronzeCorpus.Resolve, TestKeys.Options());
        memory.Process(rows);

        int[] cuts = [0, 37, 38, 250, 251, 600];
        for (int i = 1; i < cuts.Length; i++)
        {
            await InsertBronzeAsync(rows.Skip(cuts[i - 1]).Take(cuts[i] - cuts[i - 1]));
            await Runner(batchSize: 97).RunAsync();
            MedallionRunResult again = await Runner().RunAsync(); // nothing new: changes nothing
            Assert.Equal(0, again.BronzeRead);
        }

        MedallionSnapshot fromPostgres = await Runner().ReadSnapshotAsync();
        Assert.Equal(SnapshotText.Of(memory.Snapshot()), SnapshotText.Of(fromPostgres));
        Assert.Equal(600L, await db.ScalarAsync<long>("SELECT last_bronze_id FROM scout.medallion_watermarks"));
    }

    [Fact]
    public async Task Amounts_beyond_what_gold_can_add_are_quarantined_alike_in_both_engines_and_the_pass_goes_on()
    {
        List<BronzeRow> rows = BronzeCorpus.Generate(seed: 13, count: 60);
        long id = rows.Max(r => r.Id);
        string[] huge =
        [
            """{"store_id":"S9","transaction_id":"huge-peso","peso_value":9e27}""",
            """{"store_id":"S9","transaction_id":"huge-line","peso_value":1,"items":[{"sku":"P1","qty":1e20,"unit_price":1e20}]}""",
            """{"store_id":"S9","transaction_id":"huge-units","peso_value":1,"items":[{"sku":"P1","qty":1e16,"unit_price":0}]}""",
        ];
        rows.AddRange(huge.Select((raw, i) => InMemoryMedallionTests.Row(id + 1 + i, raw)));
        var memory = new InMemoryMedallion(BronzeCorpus.Resolve, TestKeys.Options());
        memory.Process(rows);
        await InsertBronzeAsync(rows);

        await Runner().RunAsync();

        MedallionSnapshot inMemory = memory.Snapshot();
        Assert.Equal(["huge-line", "huge-peso", "huge-units"],
            inMemory.Quarantine.Where(q => q.Reason == "amount_out_of_range").Select(q => q.TransactionId).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(inMemory.Silver, s => s.StoreId == "S9");
        Assert.Equal(SnapshotText.Of(inMemory), SnapshotText.Of(await Runner().ReadSnapshotAsync()));
        Assert.Equal(3L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.silver_quarantine WHERE reason = 'amount_out_of_range'"));
    }

    [Fact]
    public async Task Gold_equals_an_independent_query_over_silver_to_the_centavo()
    {
        await InsertBronzeAsync(BronzeCorpus.Generate(seed: 11, count: 500));
        await Runner(batchSize: 60).RunAsync();

        long mismatches = await db.ScalarAsync<long>("""
            WITH s AS (
                SELECT store_id, date_key, count(*) AS n, sum(total_amount) AS gross, sum(discount_amount) AS disc, sum(net_amount) AS net,
                       sum(units) AS units,
                       sum(net_amount) FILTER (WHERE time_of_day = 'morning') AS morning,
                       sum(net_amount) FILTER (WHERE time_of_day = 'night') AS night,
                       count(*) FILTER (WHERE campaign_id IS NOT NULL) AS campaign_n,
                       count(DISTINCT customer_id) AS customers,
                       count(DISTINCT customer_id) FILTER (WHERE customer_type = 'new') AS new_customers,
                       round(sum(net_amount) / count(*), 4) AS avg_value
                FROM scout.silver_transactions GROUP BY store_id, date_key)
            SELECT count(*) FROM s FULL JOIN scout.gold_daily_metrics g USING (store_id, date_key)
            WHERE g.transaction_count IS DISTINCT FROM s.n OR g.total_sales IS DISTINCT FROM s.gross
               OR g.total_discount IS DISTINCT FROM s.disc OR g.net_sales IS DISTINCT FROM s.net OR g.units_sold IS DISTINCT FROM s.units
               OR g.morning_sales IS DISTINCT FROM coalesce(s.morning, 0) OR g.night_sales IS DISTINCT FROM coalesce(s.night, 0)
               OR g.campaign_transactions IS DISTINCT FROM s.campaign_n OR g.unique_customers IS DISTINCT FROM s.customers
               OR g.new_customers IS DISTINCT FROM s.new_customers OR g.avg_transaction_value IS DISTINCT FROM s.avg_value
            """);
        Assert.Equal(0L, mismatches);
        Assert.True(await db.ScalarAsync<long>("SELECT count(*) FROM scout.gold_daily_metrics") > 10);

        long productMismatches = await db.ScalarAsync<long>("""
            WITH s AS (SELECT product_id, store_id, date_key, sum(quantity) AS units, sum(line_amount - discount_amount) AS revenue
                       FROM scout.silver_line_items GROUP BY 1, 2, 3)
            SELECT count(*) FROM s FULL JOIN scout.gold_product_store_daily g USING (product_id, store_id, date_key)
            WHERE g.units IS DISTINCT FROM s.units OR g.revenue IS DISTINCT FROM s.revenue
            """);
        Assert.Equal(0L, productMismatches);
    }

    [Fact]
    public async Task Concurrent_runners_never_apply_a_batch_twice()
    {
        List<BronzeRow> rows = BronzeCorpus.Generate(seed: 3, count: 400);
        await InsertBronzeAsync(rows);
        MedallionRunResult[] results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Runner(batchSize: 50).RunAsync())));
        await Runner().RunAsync();

        var memory = new InMemoryMedallion(BronzeCorpus.Resolve, TestKeys.Options());
        memory.Process(rows);
        Assert.Equal(SnapshotText.Of(memory.Snapshot()), SnapshotText.Of(await Runner().ReadSnapshotAsync()));
        Assert.Contains(results, r => !r.Skipped);
    }

    [Fact]
    public async Task Failed_batch_leaves_nothing_half_applied()
    {
        List<BronzeRow> rows = BronzeCorpus.Generate(seed: 5, count: 120);
        await InsertBronzeAsync(rows);
        // A trigger that fails the gold merge mid-batch stands in for a crash after silver was written.
        await db.ExecuteAsync("""
            CREATE FUNCTION public.fail_gold() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'boom'; END $$;
            CREATE TRIGGER fail_gold BEFORE INSERT ON scout.gold_product_store_daily FOR EACH ROW EXECUTE FUNCTION public.fail_gold();
            """);
        try
        {
            await Assert.ThrowsAsync<PostgresException>(() => Runner().RunAsync());
            Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.silver_transactions"));
            Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.gold_daily_metrics"));
            Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.medallion_watermarks"));
        }
        finally
        {
            await db.ExecuteAsync("DROP TRIGGER fail_gold ON scout.gold_product_store_daily; DROP FUNCTION public.fail_gold();");
        }

        await Runner().RunAsync();
        var memory = new InMemoryMedallion(BronzeCorpus.Resolve, TestKeys.Options());
        memory.Process(rows);
        Assert.Equal(SnapshotText.Of(memory.Snapshot()), SnapshotText.Of(await Runner().ReadSnapshotAsync()));
    }

    [Fact]
    public async Task Random_splits_with_replays_in_postgres_equal_full_recompute()
    {
        // A property over the database: each case resets the tables, so keep the case count small.
        var gen = Gen.Choose(1, 1000).Zip(Gen.ArrayOf(Gen.Choose(0, 150)));
        foreach ((int seed, int[] cuts) in gen.Sample(6, 42))
        {
            await Reset();
            List<BronzeRow> rows = BronzeCorpus.Generate(seed, 150);
            var memory = new InMemoryMedallion(BronzeCorpus.Resolve, TestKeys.Options());
            memory.Process(rows);
            int from = 0;
            foreach (int to in cuts.Append(rows.Count).Distinct().Order())
            {
                if (to <= from)
                {
                    continue;
                }

                await InsertBronzeAsync(rows.Skip(from).Take(to - from));
                await Runner(batchSize: 1 + (seed % 40)).RunAsync();
                from = to;
            }

            Assert.Equal(SnapshotText.Of(memory.Snapshot()), SnapshotText.Of(await Runner().ReadSnapshotAsync()));
        }
    }

    [Fact]
    public async Task DataQuality_reports_freshness_lag_until_the_run_then_passes_with_no_orphans()
    {
        List<BronzeRow> rows = BronzeCorpus.Generate(seed: 21, count: 100);
        await InsertBronzeAsync(rows);
        var clock = new ManualTimeProvider(rows.Min(r => r.IngestedAt).AddHours(1).ToUniversalTime());
        var checker = new DataQualityChecker(db.DataSource, null, clock);

        DataQualityResult before = (await checker.RunAsync()).Single(r => r.Check == "freshness_seconds");
        Assert.False(before.Passed);
        Assert.Equal(3600m, before.Value);

        await Runner().RunAsync();
        IReadOnlyList<DataQualityResult> after = await checker.RunAsync();
        Assert.True(after.Single(r => r.Check == "freshness_seconds").Passed);
        Assert.Equal(0m, after.Single(r => r.Check == "orphan_silver_stores").Value);
        Assert.Equal(0m, after.Single(r => r.Check == "orphan_line_products").Value);
        Assert.Equal(10L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.dq_results"));
    }

    [Fact]
    public async Task Region_daily_view_adds_population_and_revenue_per_capita()
    {
        await InsertBronzeAsync(BronzeCorpus.Generate(seed: 31, count: 200));
        await Runner().RunAsync();
        Assert.Equal(0L, await db.ScalarAsync<long>("""
            SELECT count(*) FROM scout.gold_region_daily
            WHERE population IS NULL OR revenue_per_capita IS DISTINCT FROM round(peso_total / population, 6)
            """));
        Assert.True(await db.ScalarAsync<long>("SELECT count(*) FROM scout.gold_region_choropleth WHERE region_key = '1300000000'") > 0);
    }
}
