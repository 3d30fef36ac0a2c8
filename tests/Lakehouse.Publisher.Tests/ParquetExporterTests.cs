using Lakehouse.Testing;

namespace Lakehouse.Publisher.Tests;

public sealed class ParquetExporterTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => TestData.CreateTablesAsync(db);

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData(ParquetCompression.Zstd)]
    [InlineData(ParquetCompression.Snappy)]
    [InlineData(ParquetCompression.Gzip)]
    [InlineData(ParquetCompression.None)]
    public async Task ExportAsync_every_type_with_nulls_reads_back_identically_in_duckdb(ParquetCompression compression)
    {
        string dir = TestData.TempDir();
        var exporter = new ParquetExporter(db.DataSource, new ParquetExportOptions { Compression = compression });

        DatasetExportResult result = await exporter.ExportAsync(TestData.Silver(), dir);

        DatasetFile file = Assert.Single(result.Files);
        Assert.Equal("part-00000.parquet", file.Path);
        Assert.Equal(5, file.Rows);
        string path = Path.Combine(dir, file.Path);
        Assert.Equal(new FileInfo(path).Length, file.Bytes);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))), file.Sha256);

        var types = TestData.DuckQuery($"DESCRIBE SELECT * FROM read_parquet('{path}')", static r => r.GetString(0) + " " + r.GetString(1));
        Assert.Equal(
            ["id BIGINT", "transaction_id VARCHAR", "ts TIMESTAMP WITH TIME ZONE", "date_key DATE", "payment_method VARCHAR",
             "peso_value DECIMAL(12,2)", "handshake_score DOUBLE", "is_weekend BOOLEAN", "item_count INTEGER"],
            types);
        string codec = TestData.DuckQuery($"SELECT DISTINCT compression FROM parquet_metadata('{path}')", static r => r.GetString(0)).Single();
        Assert.Equal(compression == ParquetCompression.None ? "UNCOMPRESSED" : compression.ToString().ToUpperInvariant(), codec);

        List<object?[]> expected = await TestData.PostgresRowsAsync(db,
            "SELECT id, transaction_id, ts, date_key, payment_method, peso_value, handshake_score, is_weekend, item_count FROM test.silver_transactions ORDER BY id");
        List<object?[]> actual = TestData.DuckRows($"SELECT * FROM read_parquet('{path}') ORDER BY id");
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }

        Assert.Contains(actual, r => r[4] is null && r[5] is null && r[6] is null && r[7] is null && r[8] is null);
    }

    [Fact]
    public async Task ExportAsync_partitioned_writes_hive_folders_with_large_row_groups_that_duckdb_reads_back()
    {
        string dir = TestData.TempDir();
        var exporter = new ParquetExporter(db.DataSource, new ParquetExportOptions { RowGroupMaxRows = 1000 });

        DatasetExportResult result = await exporter.ExportAsync(TestData.Gold(), dir);

        Assert.Equal(
            ["date_key=2026-11-20/part-00000.parquet", "date_key=2026-11-21/part-00000.parquet", "date_key=2026-11-22/part-00000.parquet"],
            result.Files.Select(f => f.Path));
        Assert.All(result.Files, f => Assert.Equal(400, f.Rows));
        Assert.Equal(["2026-11-20", "2026-11-21", "2026-11-22"], result.Files.Select(f => f.Partition));
        var groups = TestData.DuckQuery($"SELECT DISTINCT file_name, row_group_id, row_group_num_rows FROM parquet_metadata('{dir}/**/*.parquet')", static r => Convert.ToInt64(r.GetValue(2), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(3, groups.Count); // 400 rows per partition: one group per file, not one per row
        Assert.All(groups, g => Assert.Equal(400, g));

        List<object?[]> expected = await TestData.PostgresRowsAsync(db, "SELECT * FROM test.gold_daily_metrics ORDER BY date_key, store_id");
        List<object?[]> actual = TestData.DuckRows(
            $"SELECT date_key, store_id, transaction_count, total_sales, avg_basket, unique_customers FROM read_parquet('{dir}/**/*.parquet', hive_partitioning = true) ORDER BY date_key, store_id");
        Assert.Equal(1200, actual.Count);
        Assert.Equal(expected, actual);
        var types = TestData.DuckQuery($"DESCRIBE SELECT * FROM read_parquet('{dir}/**/*.parquet', hive_partitioning = true)", static r => r.GetString(0) + " " + r.GetString(1));
        Assert.Contains("total_sales DECIMAL(12,2)", types);
        Assert.Contains("avg_basket DECIMAL(20,4)", types);
        Assert.Contains("date_key DATE", types);
    }

    [Fact]
    public async Task ExportAsync_more_rows_than_row_group_limit_splits_groups_by_rows()
    {
        await db.ExecuteAsync("CREATE TABLE IF NOT EXISTS test.many AS SELECT g::bigint AS n, md5(g::text) AS s FROM generate_series(1, 2500) g");
        string dir = TestData.TempDir();
        var exporter = new ParquetExporter(db.DataSource, new ParquetExportOptions { RowGroupMaxRows = 1000 });
        var definition = new DatasetDefinition
        {
            Name = "many", Version = "1.0.0", Source = "test.many",
            Columns = [new("n", DatasetColumnType.Int8), new("s", DatasetColumnType.Text)],
        };

        DatasetExportResult result = await exporter.ExportAsync(definition, dir);

        Assert.Equal(2500, result.Rows);
        var groups = TestData.DuckQuery($"SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata('{dir}/part-00000.parquet') ORDER BY 1", static r => Convert.ToInt64(r.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal([1000L, 1000L, 500L], groups);
        Assert.Equal(2500L * 2501 / 2, TestData.DuckQuery($"SELECT sum(n)::bigint FROM '{dir}/part-00000.parquet'", static r => r.GetInt64(0)).Single());
    }

    [Fact]
    public async Task ExportAsync_row_group_byte_limit_splits_groups_before_the_row_limit()
    {
        await db.ExecuteAsync("CREATE TABLE IF NOT EXISTS test.wide AS SELECT g::bigint AS n, repeat(md5(g::text), 4) AS s FROM generate_series(1, 3000) g");
        string dir = TestData.TempDir();
        var exporter = new ParquetExporter(db.DataSource, new ParquetExportOptions { RowGroupMaxBytes = 64 * 1024 });
        var definition = new DatasetDefinition
        {
            Name = "wide", Version = "1.0.0", Source = "test.wide",
            Columns = [new("n", DatasetColumnType.Int8), new("s", DatasetColumnType.Text)],
        };

        DatasetExportResult result = await exporter.ExportAsync(definition, dir);

        // About 128 + 4 + 8 = 140 estimated bytes a row: a group closes near 468 rows, long before 1 M rows.
        var groups = TestData.DuckQuery($"SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata('{dir}/part-00000.parquet') ORDER BY 1", static r => Convert.ToInt64(r.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(3000, result.Rows);
        Assert.Equal(3000L, groups.Sum());
        Assert.True(groups.Count >= 6, $"{groups.Count} groups");
        Assert.All(groups.Take(groups.Count - 1), g => Assert.InRange(g, 400L, 520L));
    }

    [Fact]
    public async Task ExportAsync_postgres_enum_column_is_exported_as_text()
    {
        await db.ExecuteAsync(
            """
            DO $$ BEGIN CREATE TYPE test.payment AS ENUM ('cash', 'gcash'); EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            CREATE TABLE IF NOT EXISTS test.enums AS SELECT 1 AS id, 'gcash'::test.payment AS method UNION ALL SELECT 2, NULL;
            """);
        await db.DataSource.ReloadTypesAsync(); // Npgsql caches the type catalogue per data source: a type created since is unknown until then
        string dir = TestData.TempDir();
        var definition = new DatasetDefinition
        {
            Name = "enums", Version = "1.0.0", Source = "test.enums",
            Columns = [new("id", DatasetColumnType.Int4), new("method", DatasetColumnType.Text)],
        };

        await new ParquetExporter(db.DataSource).ExportAsync(definition, dir);

        Assert.Equal([["i:1", "s:gcash"], ["i:2", null]], TestData.DuckRows($"SELECT * FROM '{dir}/part-00000.parquet' ORDER BY id"));
    }

    [Fact]
    public async Task ExportAsync_schema_drift_is_refused_naming_each_difference()
    {
        DatasetDefinition drifted = TestData.Gold() with
        {
            Columns =
            [
                new("date_key", DatasetColumnType.Date, IsNullable: false),
                new("store_id", DatasetColumnType.Int4, IsNullable: false),
                new("transaction_count", DatasetColumnType.Int4, IsNullable: false),
                DatasetColumn.Numeric("total_sales", 14, 2, isNullable: false),
                DatasetColumn.Numeric("avg_basket", 20, 4, isNullable: false),
                new("region", DatasetColumnType.Text),
            ],
        };
        var exporter = new ParquetExporter(db.DataSource);
        string dir = TestData.TempDir();

        var error = await Assert.ThrowsAsync<DatasetSchemaException>(() => exporter.ExportAsync(drifted, dir));

        Assert.Contains("column 'store_id': declared integer, live text", error.Problems);
        Assert.Contains("column 'total_sales': declared numeric(14,2), live numeric(12,2)", error.Problems);
        Assert.Contains("column 'avg_basket': declared NOT NULL, live nullable", error.Problems);
        Assert.Contains("column 'region': declared text, missing from the source", error.Problems);
        Assert.Contains("column 'unique_customers': live bigint, not declared", error.Problems);
        Assert.Equal(5, error.Problems.Count);
        Assert.Empty(Directory.GetFiles(dir, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task ExportAsync_pii_column_is_refused_naming_it()
    {
        DatasetDefinition withPii = TestData.Silver() with
        {
            Source = "SELECT id, customer_id FROM test.silver_transactions",
            Columns = [new("id", DatasetColumnType.Int8, IsNullable: false), new("customer_id", DatasetColumnType.Text) { IsPii = true }],
        };
        var exporter = new ParquetExporter(db.DataSource);

        var error = await Assert.ThrowsAsync<DatasetSchemaException>(() => exporter.ExportAsync(withPii, TestData.TempDir()));

        Assert.Contains("'customer_id'", error.Message, StringComparison.Ordinal);
        Assert.Contains("PII", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportAsync_column_commented_pii_in_the_database_is_refused_even_when_not_marked()
    {
        await db.ExecuteAsync("""
            CREATE TABLE IF NOT EXISTS test.contacts (id bigint NOT NULL, mobile text, region text);
            COMMENT ON COLUMN test.contacts.mobile IS 'pii: mobile number';
            INSERT INTO test.contacts VALUES (1, '+639171234567', 'NCR');
            """);
        var exporter = new ParquetExporter(db.DataSource);
        DatasetDefinition unmarked = TestData.Silver() with
        {
            Name = "contacts",
            Source = "SELECT id, mobile AS phone, region FROM test.contacts",
            PartitionBy = null,
            Columns = [new("id", DatasetColumnType.Int8, IsNullable: false), new("phone", DatasetColumnType.Text), new("region", DatasetColumnType.Text)],
        };

        var refused = await Assert.ThrowsAsync<DatasetSchemaException>(() => exporter.ExportAsync(unmarked, TestData.TempDir()));
        var described = await Assert.ThrowsAsync<DatasetSchemaException>(() => exporter.DescribeQueryAsync("contacts", "1.0.0", "SELECT * FROM test.contacts"));
        DatasetDefinition clean = await exporter.DescribeQueryAsync("contacts", "1.0.0", "SELECT id, region FROM test.contacts");

        Assert.Contains("column 'phone' is personal data", refused.Message, StringComparison.Ordinal);
        Assert.Contains("test.contacts.mobile", refused.Message, StringComparison.Ordinal);
        Assert.Contains("column 'mobile' is personal data", described.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("region", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["id", "region"], clean.Columns.Select(c => c.Name));
    }

    [Fact]
    public async Task DescribeQueryAsync_infers_columns_and_refuses_unconstrained_numeric()
    {
        var exporter = new ParquetExporter(db.DataSource);

        DatasetDefinition inferred = await exporter.DescribeQueryAsync("adhoc", "1.0.0", "SELECT date_key, total_sales FROM test.gold_daily_metrics", "date_key");
        var error = await Assert.ThrowsAsync<DatasetSchemaException>(() => exporter.DescribeQueryAsync("adhoc", "1.0.0", "SELECT sum(total_sales) AS s FROM test.gold_daily_metrics"));

        Assert.Equal([new DatasetColumn("date_key", DatasetColumnType.Date, false), DatasetColumn.Numeric("total_sales", 12, 2, false)], inferred.Columns);
        Assert.Contains("column 's'", error.Message, StringComparison.Ordinal);
    }
}
