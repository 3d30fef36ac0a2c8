using Lakehouse.Testing;

namespace Lakehouse.Publisher.Tests;

public sealed class ReplicationAndUsageTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await PublisherSchema.MigrateAsync(db.DataSource);
        await TestData.CreateTablesAsync(db);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ReplicateAsync_copies_verifies_resumes_and_recopies_a_corrupted_file()
    {
        var store = new DatasetStore(TestData.TempDir());
        var publisher = new DatasetPublisher(db.DataSource, store, new ParquetExporter(db.DataSource));
        DatasetManifest manifest = (await publisher.PublishAsync(TestData.Gold() with { Name = "replicated" })).Manifest;
        string replicaRoot = TestData.TempDir();
        var target = new LocalPathReplicaTarget(replicaRoot);
        var replicator = new DatasetReplicator(store, egressPricePerGb: 100m, storagePricePerGbMonth: 10m);

        ReplicationResult first = await replicator.ReplicateAsync(target, "replicated");
        ReplicationResult second = await replicator.ReplicateAsync(target, "replicated");
        string victim = Path.Combine(replicaRoot, "replicated", "versions", "1.0.0", manifest.Files[1].Path);
        byte[] bytes = File.ReadAllBytes(victim);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(victim, bytes);
        File.Delete(Path.Combine(replicaRoot, "replicated", "versions", "1.0.0", manifest.Files[2].Path));
        ReplicationResult repaired = await replicator.ReplicateAsync(target, "replicated");

        Assert.Equal((3, 0), (first.FilesCopied, first.FilesSkipped));
        Assert.True(first.BytesCopied > manifest.Bytes);
        Assert.Equal(first.BytesCopied / 1e9m * 100m, first.EgressCost, 6);
        Assert.Equal(first.BytesStored / 1e9m * 10m, first.MonthlyStorageCost, 6);
        Assert.Equal((0, 3, 0L, 0m), (second.FilesCopied, second.FilesSkipped, second.BytesCopied, second.EgressCost));
        Assert.Equal((2, 1), (repaired.FilesCopied, repaired.FilesSkipped));
        Assert.Equal(manifest.Files[1].Bytes + manifest.Files[2].Bytes, repaired.BytesCopied);
        foreach (DatasetFile file in manifest.Files)
        {
            Assert.Equal(file.Sha256, await target.GetSha256Async("replicated/versions/1.0.0/" + file.Path));
        }

        Assert.Equal(1200L, TestData.DuckQuery($"SELECT count(*) FROM read_parquet('{replicaRoot}/replicated/versions/1.0.0/**/*.parquet', hive_partitioning = true)", static r => Convert.ToInt64(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)).Single());
        Assert.Empty(Directory.GetFiles(replicaRoot, "*.partial", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task DatasetUsage_summaries_count_by_day_rank_consumers_and_find_stale_subscribers()
    {
        var usage = new DatasetUsage(db.DataSource);
        using var http = new HttpClient();
        var subscriptions = new DatasetSubscriptions(db.DataSource, http, new PublisherOptions { Root = "x" });
        long quiet = await subscriptions.SubscribeAsync("quiet-team", new Uri("http://127.0.0.1:9/"), DatasetSubscriptions.NewSecret());
        await usage.RecordAsync("gold", "1.0.0", "finance", UsageAction.Download, 5000);
        await usage.RecordAsync("gold", "1.0.0", "finance", UsageAction.Read, 100);
        await usage.RecordAsync("gold", "1.0.0", "ops", UsageAction.ApiCall);
        await usage.RecordAsync("silver", null, "ops", UsageAction.Read, 7000);

        IReadOnlyList<DailyUsage> daily = await usage.DailyAsync(7);
        IReadOnlyList<ConsumerUsage> top = await usage.TopConsumersAsync(1);
        IReadOnlyList<StaleSubscriber> stale = await usage.StaleSubscribersAsync(30);

        DailyUsage gold = Assert.Single(daily, d => d.Dataset == "gold");
        Assert.Equal((3L, 2L, 5100L), (gold.Events, gold.Consumers, gold.Bytes));
        Assert.Equal("ops", Assert.Single(top).Consumer);
        Assert.Equal(7000, top[0].Bytes);
        StaleSubscriber s = Assert.Single(stale, x => x.SubscriptionId == quiet);
        Assert.Null(s.LastDeliveredAt);
        Assert.Null(s.LastReadAt);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => usage.RecordAsync("gold", null, "x", UsageAction.Read, -1));
    }
}
