using System.Text.Json;
using Lakehouse.Testing;

namespace Lakehouse.Publisher.Tests;

public sealed class DatasetPublisherTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await PublisherSchema.MigrateAsync(db.DataSource);
        await TestData.CreateTablesAsync(db);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private DatasetPublisher NewPublisher(string root) =>
        new(db.DataSource, new DatasetStore(root), new ParquetExporter(db.DataSource, new ParquetExportOptions { RowGroupMaxRows = 1000 }));

    [Fact]
    public async Task PublishAsync_writes_manifest_with_checksums_lineage_and_registry_row()
    {
        string root = TestData.TempDir();
        DatasetPublisher publisher = NewPublisher(root);

        (DatasetManifest manifest, _) = await publisher.PublishAsync(TestData.Gold(), watermark: "2026-11-22T00:00:00Z");

        DatasetStore store = publisher.Store;
        Assert.Equal("1.0.0", store.GetCurrentVersion("gold_like"));
        DatasetManifest onDisk = store.ReadManifest("gold_like", "1.0.0");
        Assert.Equal(1200, onDisk.Rows);
        Assert.Equal("2026-11-22T00:00:00Z", onDisk.Watermark);
        Assert.Equal(["test.gold_daily_metrics"], onDisk.Lineage.InputTables);
        Assert.Equal("gold-test-1", onDisk.Lineage.TransformVersion);
        Assert.Equal(TestData.Gold().Columns, onDisk.Columns);
        Assert.Equal("zstd", onDisk.Compression);
        string folder = store.VersionPath("gold_like", "1.0.0");
        foreach (DatasetFile file in onDisk.Files)
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(folder, file.Path));
            Assert.Equal(file.Bytes, bytes.Length);
            Assert.Equal(file.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
        }

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")));
        Assert.Equal("date_key=2026-11-20/part-00000.parquet", json.RootElement.GetProperty("files")[0].GetProperty("path").GetString());
        Assert.Equal("Numeric", json.RootElement.GetProperty("columns")[3].GetProperty("type").GetString());
        Assert.Equal(1200L, await db.ScalarAsync<long>("SELECT (manifest->>'rows')::bigint FROM publisher.dataset_versions WHERE dataset = 'gold_like' AND is_current"));
        Assert.Equal(manifest.Files.Count, (int)await db.ScalarAsync<int>("SELECT jsonb_array_length(manifest->'files') FROM publisher.dataset_versions WHERE dataset = 'gold_like'"));
        Assert.False(Directory.Exists(Path.Combine(root, "gold_like", ".staging")));
    }

    [Fact]
    public async Task RollbackAsync_restores_earlier_manifest_and_records_it()
    {
        string root = TestData.TempDir();
        DatasetPublisher publisher = NewPublisher(root);
        await publisher.PublishAsync(TestData.Silver("1.0.0"));
        await db.ExecuteAsync("INSERT INTO test.silver_transactions VALUES (10, 't10', now(), '2026-11-22', 'cash', 1, 1, true, 1, NULL)");
        await publisher.PublishAsync(TestData.Silver("1.0.1"));
        await db.ExecuteAsync("DELETE FROM test.silver_transactions WHERE id = 10");

        (DatasetManifest restored, _) = await publisher.RollbackAsync("silver_like", "1.0.0");

        Assert.Equal("1.0.0", publisher.Store.GetCurrentVersion("silver_like"));
        (DatasetManifest current, string folder) = publisher.Store.ResolveCurrent("silver_like")!.Value;
        Assert.Equal(5, current.Rows);
        Assert.Equal(restored.Files, current.Files);
        Assert.EndsWith(Path.Combine("versions", "1.0.0"), folder, StringComparison.Ordinal);
        Assert.Equal(["published", "published", "rolled_back"], publisher.Store.ReadHistory("silver_like").Select(h => h.Action));
        Assert.Equal("1.0.0", await db.ScalarAsync<string>("SELECT version FROM publisher.dataset_versions WHERE dataset = 'silver_like' AND is_current"));
        Assert.NotNull(await db.ScalarAsync<DateTime?>("SELECT rolled_back_at FROM publisher.dataset_versions WHERE dataset = 'silver_like' AND version = '1.0.1'"));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM publisher.dataset_history WHERE dataset = 'silver_like' AND action = 'rolled_back' AND previous_version = '1.0.1'"));
        DatasetDiff diff = publisher.Store.Diff("silver_like", "1.0.0", "1.0.1");
        Assert.Equal((5L, 6L), (diff.FromRows, diff.ToRows));
        Assert.Empty(diff.SchemaChanges);
    }

    [Fact]
    public async Task PublishAsync_schema_change_needs_a_minor_bump_and_diff_names_it()
    {
        string root = TestData.TempDir();
        DatasetPublisher publisher = NewPublisher(root);
        await publisher.PublishAsync((TestData.Silver("1.0.0") with { Name = "silver_bump" }));
        DatasetDefinition narrower = TestData.Silver() with
        {
            Name = "silver_bump",
        } with
        {
            Source = "SELECT id, transaction_id, ts FROM test.silver_transactions",
            Columns = TestData.Silver().Columns.Take(3).ToList(),
        };

        var error = await Assert.ThrowsAsync<DatasetSchemaException>(() => publisher.PublishAsync(narrower.WithVersion("1.0.1")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => publisher.PublishAsync((TestData.Silver("1.0.0") with { Name = "silver_bump" })));
        await publisher.PublishAsync(narrower.WithVersion("1.1.0"));

        Assert.Contains("patch bump", error.Message, StringComparison.Ordinal);
        Assert.Contains("removed 'payment_method' text", error.Problems);
        Assert.Equal(["1.0.0", "1.1.0"], publisher.Store.ListVersions("silver_bump"));
        DatasetDiff diff = publisher.Store.Diff("silver_bump", "1.0.0", "1.1.0");
        Assert.Equal(6, diff.SchemaChanges.Count);
        Assert.Contains("removed 'is_weekend' boolean", diff.SchemaChanges);
    }

    [Fact]
    public async Task PublishAsync_refused_by_drift_leaves_current_version_and_no_staging()
    {
        string root = TestData.TempDir();
        DatasetPublisher publisher = NewPublisher(root);
        DatasetDefinition first = TestData.Silver("1.0.0") with { Name = "silver_drift" };
        await publisher.PublishAsync(first);
        DatasetDefinition drifted = first with { Version = "2.0.0", Columns = [.. first.Columns.Select(c => c.Name == "item_count" ? c with { Type = DatasetColumnType.Int8 } : c)] };

        var error = await Assert.ThrowsAsync<DatasetSchemaException>(() => publisher.PublishAsync(drifted));

        Assert.Equal(["column 'item_count': declared bigint, live integer"], error.Problems);
        Assert.Equal("1.0.0", publisher.Store.GetCurrentVersion("silver_drift"));
        Assert.Equal(["1.0.0"], publisher.Store.ListVersions("silver_drift"));
        Assert.False(Directory.Exists(Path.Combine(root, "silver_drift", ".staging")));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM publisher.dataset_versions WHERE dataset = 'silver_drift'"));
    }

    [Fact]
    public async Task PublishAsync_under_a_concurrent_reader_never_shows_a_mix_or_a_missing_file()
    {
        string root = TestData.TempDir();
        DatasetPublisher publisher = NewPublisher(root);
        await publisher.PublishAsync((TestData.Gold("1.0.0") with { Name = "gold_concurrent" }));
        using var stop = new CancellationTokenSource();
        int reads = 0;
        var failures = new List<string>();
        Task reader = Task.Run(() =>
        {
            var store = new DatasetStore(root);
            while (!stop.IsCancellationRequested || reads < 20)
            {
                (DatasetManifest manifest, string folder) = store.ResolveCurrent("gold_concurrent")!.Value;
                foreach (DatasetFile file in manifest.Files)
                {
                    string path = Path.Combine(folder, file.Path);
                    if (!File.Exists(path))
                    {
                        failures.Add($"{manifest.Version}: missing {file.Path}");
                        continue;
                    }

                    byte[] bytes = File.ReadAllBytes(path);
                    if (Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)) != file.Sha256)
                    {
                        failures.Add($"{manifest.Version}: {file.Path} does not match its manifest");
                    }
                }

                if (manifest.Files.Count != (manifest.Version == "1.0.0" ? 3 : 4))
                {
                    failures.Add($"{manifest.Version}: {manifest.Files.Count} files");
                }

                Interlocked.Increment(ref reads);
            }
        });

        for (int i = 1; i <= 5; i++)
        {
            await db.ExecuteAsync($"INSERT INTO test.gold_daily_metrics SELECT date_key + 3 + {i}, store_id, transaction_count, total_sales, avg_basket, unique_customers FROM test.gold_daily_metrics WHERE date_key = '2026-11-20'");
            await publisher.PublishAsync((TestData.Gold($"1.0.{i}") with { Name = "gold_concurrent" }));
            await db.ExecuteAsync($"DELETE FROM test.gold_daily_metrics WHERE date_key = DATE '2026-11-23' + {i}");
        }

        stop.Cancel();
        await reader;

        Assert.Empty(failures);
        Assert.True(reads >= 20);
        Assert.Equal("1.0.5", publisher.Store.GetCurrentVersion("gold_concurrent"));
        Assert.Equal(1600, publisher.Store.ReadManifest("gold_concurrent", "1.0.5").Rows);
    }

    [Fact]
    public async Task PublishAsync_a_version_the_registry_already_holds_is_refused_before_any_file_is_written()
    {
        DatasetDefinition definition = TestData.Silver("1.0.0") with { Name = "silver_two_stores" };
        DatasetPublisher first = NewPublisher(TestData.TempDir());
        string otherRoot = TestData.TempDir();
        DatasetPublisher second = NewPublisher(otherRoot);

        await first.PublishAsync(definition);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => second.PublishAsync(definition));

        Assert.Contains("already recorded in publisher.dataset_versions", error.Message, StringComparison.Ordinal);
        Assert.Empty(second.Store.ListVersions("silver_two_stores"));
        Assert.Equal("1.0.0", await second.GetLatestVersionAsync("silver_two_stores"));
        (DatasetManifest next, _) = await second.PublishAsync(definition.WithVersion("1.0.1"));
        Assert.Equal("1.0.1", next.Version);
    }
}
