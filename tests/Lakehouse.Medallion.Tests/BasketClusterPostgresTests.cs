using Lakehouse.Testing;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Lakehouse.Medallion.Tests;

public sealed class BasketClusterPostgresTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly Dictionary<string, string> Tenants = new(StringComparer.Ordinal)
    {
        ["S1"] = "tenant-a", ["S2"] = "tenant-a", ["S3"] = "tenant-b", ["S4"] = "tenant-b",
    };

    public async Task InitializeAsync()
    {
        await MedallionSchema.MigrateAsync(db.DataSource);
        await db.ExecuteAsync("""
            TRUNCATE scout.bronze_transactions, scout.silver_line_items, scout.silver_transactions, scout.silver_quarantine,
                     scout.gold_daily_metrics, scout.gold_store_day_customers, scout.gold_geo_store_daily, scout.gold_product_store_daily,
                     scout.dim_store, scout.dim_product, scout.dim_customer, scout.dim_campaign, scout.medallion_watermarks CASCADE;
            INSERT INTO scout.dim_store (store_id, tenant_id, store_name) VALUES
                ('S1', 'tenant-a', 'Aling Nena'), ('S2', 'tenant-a', 'Mang Jose'), ('S3', 'tenant-b', 'Tindahan ni Lorna'), ('S4', 'tenant-b', 'Sari-Sari 4');
            """);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task InsertBronzeAsync(IEnumerable<BronzeRow> rows) => BronzeCorpus.InsertAsync(db, rows);

    private async Task<long> CountAs(string role, string tenant, string table)
    {
        await using NpgsqlConnection connection = await db.OpenAsync();
        await using (var set = new NpgsqlCommand($"SET ROLE {role}; SELECT set_config('lakehouse.tenant_id', '{tenant}', false)", connection))
        {
            await set.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task RunAsync_with_two_tenants_stores_the_same_clusters_profiles_and_segments_as_the_in_memory_engine()
    {
        List<BronzeRow> rows = BronzeCorpus.Generate(seed: 31, count: 800);
        var memory = new InMemoryMedallion(BronzeCorpus.Resolve, TestKeys.Options(), registeredStores: Tenants);
        memory.Process(rows);
        await InsertBronzeAsync(rows.Take(500));
        var runner = new MedallionRunner(db.DataSource, BronzeCorpus.Resolve, Options.Create(TestKeys.Batched(150)));
        await runner.RunAsync();
        await InsertBronzeAsync(rows.Skip(500));
        await runner.RunAsync();

        MedallionSnapshot expected = memory.Snapshot();
        MedallionSnapshot actual = await runner.ReadSnapshotAsync();

        Assert.Equal(["tenant-a", "tenant-b"], actual.BasketProfiles.Select(p => p.TenantId).Distinct());
        Assert.Equal(actual.Silver.Count, actual.BasketClusters.Count);
        Assert.NotEmpty(actual.CustomerSegments);
        Assert.Equal(SnapshotText.Of(expected), SnapshotText.Of(actual));
        Assert.Equal(expected.BasketProfiles, actual.BasketProfiles);
        Assert.Equal(expected.BasketProfiles, await BasketClustering.ReadProfilesAsync(db.DataSource));
    }

    [Fact]
    public async Task Basket_tables_have_rls_forced_and_authenticated_reads_only_its_own_tenant()
    {
        await InsertBronzeAsync(BronzeCorpus.Generate(seed: 32, count: 300));
        await new MedallionRunner(db.DataSource, BronzeCorpus.Resolve, Options.Create(TestKeys.Options())).RunAsync();

        Assert.Equal(3L, await db.ScalarAsync<long>("""
            SELECT count(*) FROM pg_class
            WHERE relnamespace = 'scout'::regnamespace AND relrowsecurity AND relforcerowsecurity
              AND relname IN ('platinum_basket_clusters', 'platinum_basket_cluster_profiles', 'platinum_customer_segments')
            """));
        foreach (string table in (string[])["scout.platinum_basket_clusters", "scout.platinum_basket_cluster_profiles", "scout.platinum_customer_segments"])
        {
            long all = await db.ScalarAsync<long>($"SELECT count(*) FROM {table}");
            long a = await db.ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE tenant_id = 'tenant-a'");
            Assert.True(a > 0 && a < all, table);
            Assert.Equal(a, await CountAs("authenticated", "tenant-a", table));
            Assert.Equal(all - a, await CountAs("authenticated", "tenant-b", table));
            Assert.Equal(all, await CountAs("service_role", "", table));
            var denied = await Assert.ThrowsAsync<PostgresException>(() => CountAs("anon", "tenant-a", table));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
            var edge = await Assert.ThrowsAsync<PostgresException>(() => CountAs("edge_uploader", "tenant-a", table));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, edge.SqlState);
        }

        var write = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using NpgsqlConnection connection = await db.OpenAsync();
            await using var command = new NpgsqlCommand("SET ROLE authenticated; DELETE FROM scout.platinum_basket_cluster_profiles", connection);
            await command.ExecuteNonQueryAsync();
        });
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, write.SqlState);
    }

    [Fact]
    public async Task RunAsync_with_clustering_disabled_leaves_the_basket_tables_empty()
    {
        await InsertBronzeAsync(BronzeCorpus.Generate(seed: 33, count: 100));
        MedallionOptions options = TestKeys.Options();
        options.Clustering.Enabled = false;
        var runner = new MedallionRunner(db.DataSource, BronzeCorpus.Resolve, Options.Create(options));
        await runner.RunAsync();

        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.platinum_basket_cluster_profiles"));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.platinum_basket_clusters"));
        Assert.NotEmpty((await runner.ReadSnapshotAsync()).Rfm);
    }

}
