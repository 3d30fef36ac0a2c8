using Lakehouse.Testing;

namespace Lakehouse.Publisher.Tests;

/// <summary>Rows held in memory exported with the same files and checks as a PostgreSQL export; file-only publishing.</summary>
public sealed class InMemoryExportTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => TestData.CreateTablesAsync(db, goldDays: 2, goldStores: 50);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ExportRowsAsync_the_rows_of_a_query_give_the_same_values_in_duckdb_as_the_query_export()
    {
        const string Sql = "SELECT id, transaction_id, ts, date_key, payment_method, peso_value, handshake_score, is_weekend, item_count FROM test.silver_transactions ORDER BY id";
        var source = new List<object?[]>();
        await using (Npgsql.NpgsqlCommand command = db.DataSource.CreateCommand(Sql))
        await using (Npgsql.NpgsqlDataReader reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var row = new object?[reader.FieldCount];
                for (int i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : reader.GetDataTypeName(i) == "date" ? reader.GetFieldValue<DateOnly>(i) : reader.GetValue(i);
                }

                source.Add(row);
            }
        }

        string fromQuery = TestData.TempDir(), fromMemory = TestData.TempDir();

        await new ParquetExporter(db.DataSource).ExportAsync(TestData.Silver(), fromQuery);
        DatasetExportResult result = await new ParquetExporter(options: null).ExportRowsAsync(TestData.Silver(), source, fromMemory);

        Assert.Equal(5, Assert.Single(result.Files).Rows);
        string read = "SELECT * FROM read_parquet('{0}/part-00000.parquet') ORDER BY id";
        List<object?[]> expected = TestData.DuckRows(string.Format(System.Globalization.CultureInfo.InvariantCulture, read, fromQuery));
        List<object?[]> actual = TestData.DuckRows(string.Format(System.Globalization.CultureInfo.InvariantCulture, read, fromMemory));
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }

        Assert.Equal(
            TestData.DuckQuery($"DESCRIBE SELECT * FROM read_parquet('{fromQuery}/part-00000.parquet')", static r => r.GetString(0) + " " + r.GetString(1)),
            TestData.DuckQuery($"DESCRIBE SELECT * FROM read_parquet('{fromMemory}/part-00000.parquet')", static r => r.GetString(0) + " " + r.GetString(1)));
    }

    [Fact]
    public async Task ExportRowsAsync_partitioned_rows_land_in_hive_folders_with_widened_values()
    {
        string dir = TestData.TempDir();
        var rows = new List<object?[]>();
        for (int s = 1; s <= 30; s++)
        {
            // int for a bigint column, DateTimeOffset for a timestamp: widened as documented.
            rows.Add([new DateOnly(2026, 11, 20 + s % 2), "S" + s, s, s * 1.25m, null, (long)s]);
        }

        DatasetExportResult result = await new ParquetExporter(options: null).ExportRowsAsync(
            TestData.Gold(), rows.OrderBy(r => (DateOnly)r[0]!), dir);

        Assert.Equal(["date_key=2026-11-20/part-00000.parquet", "date_key=2026-11-21/part-00000.parquet"], result.Files.Select(f => f.Path));
        Assert.Equal(30, result.Rows);
        var sums = TestData.DuckQuery(
            $"SELECT date_key::text, sum(total_sales)::text, count(avg_basket) FROM read_parquet('{dir}/**/*.parquet', hive_partitioning = true) GROUP BY 1 ORDER BY 1",
            static r => $"{r.GetString(0)} {r.GetString(1)} {r.GetValue(2)}");
        Assert.Equal(["2026-11-20 300.00 0", "2026-11-21 281.25 0"], sums);
    }

    [Fact]
    public async Task ExportRowsAsync_null_in_a_not_null_column_is_refused_naming_the_column()
    {
        object?[][] rows = [[new DateOnly(2026, 11, 20), null, 1, 1m, null, null]];

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new ParquetExporter(options: null).ExportRowsAsync(TestData.Gold(), rows, TestData.TempDir()));

        Assert.Contains("'store_id'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportRowsAsync_a_row_of_the_wrong_width_is_refused_with_its_index()
    {
        object?[][] rows = [[new DateOnly(2026, 11, 20), "S1", 1, 1m, null, null], [new DateOnly(2026, 11, 20), "S2"]];

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            new ParquetExporter(options: null).ExportRowsAsync(TestData.Gold(), rows, TestData.TempDir()));

        Assert.Contains("row 1 has 2 values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportRowsAsync_a_pii_column_is_refused_naming_it_before_any_file_is_written()
    {
        string dir = TestData.TempDir();
        DatasetDefinition definition = TestData.Gold() with
        {
            Columns = [.. TestData.Gold().Columns, new DatasetColumn("mobile_number", DatasetColumnType.Text) { IsPii = true }],
        };

        var error = await Assert.ThrowsAsync<DatasetSchemaException>(() =>
            new ParquetExporter(options: null).ExportRowsAsync(definition, [], dir));

        Assert.Contains(error.Problems, p => p.Contains("'mobile_number' is marked PII", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task QueryExport_without_a_data_source_explains_that_only_rows_can_be_exported()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new ParquetExporter(options: null).ExportAsync(TestData.Gold(), TestData.TempDir()));

        Assert.Contains("without a data source", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishRowsAsync_without_a_registry_publishes_switches_current_and_rolls_back_on_disk()
    {
        var store = new DatasetStore(TestData.TempDir());
        var publisher = new DatasetPublisher(store, new ParquetExporter(options: null));
        object?[][] first = [[new DateOnly(2026, 11, 20), "S1", 1, 10m, null, 1L]];
        object?[][] second = [[new DateOnly(2026, 11, 20), "S1", 1, 10m, null, 1L], [new DateOnly(2026, 11, 21), "S2", 2, 20m, 1.5m, 2L]];

        (DatasetManifest v1, IReadOnlyList<DeliveryResult> sent) = await publisher.PublishRowsAsync(TestData.Gold(), first, watermark: "7");
        (DatasetManifest v2, _) = await publisher.PublishRowsAsync(TestData.Gold("1.0.1"), second);
        Assert.Equal("1.0.1", store.GetCurrentVersion("gold_like"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => publisher.PublishRowsAsync(TestData.Gold("1.0.1"), second));
        (DatasetManifest restored, _) = await publisher.RollbackAsync("gold_like", "1.0.0");

        Assert.Empty(sent);
        Assert.Equal(("7", 1L, 2L), (v1.Watermark, v1.Rows, v2.Rows));
        Assert.Equal("1.0.0", store.GetCurrentVersion("gold_like"));
        Assert.Equal(v1.Files, restored.Files);
        Assert.Equal(["published", "published", "rolled_back"], store.ReadHistory("gold_like").Select(h => h.Action));
        (DatasetManifest Manifest, string Folder) current = store.ResolveCurrent("gold_like")!.Value;
        Assert.Equal(1L, TestData.DuckQuery($"SELECT count(*) FROM read_parquet('{current.Folder}/**/*.parquet')", static r => Convert.ToInt64(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)).Single());
    }

    [Fact]
    public async Task BuiltInDatasets_match_the_medallion_tables_they_export()
    {
        await PublisherSchema.MigrateAsync(db.DataSource);
        var exporter = new ParquetExporter(db.DataSource);

        foreach (DatasetDefinition definition in new[] { BuiltInDatasets.GoldDailyMetrics, BuiltInDatasets.SilverTransactions })
        {
            IReadOnlyList<string> problems = await exporter.CheckSchemaAsync(definition);
            Assert.True(problems.Count == 0, definition.Name + ": " + string.Join("; ", problems));
        }
    }
}
