using System.Globalization;
using System.Xml.Linq;
using DuckDB.NET.Data;
using Lakehouse.Cli.Demo;
using Lakehouse.Medallion;
using Lakehouse.Testing;

namespace Lakehouse.Cli.Tests;

public sealed class DemoCommandTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    private static readonly DateOnly Day = new(2026, 11, 21);

    private static string TempDir() => Directory.CreateTempSubdirectory("lh-demo-").FullName;

    [Fact]
    public async Task Demo_in_memory_leaves_a_parquet_dataset_duckdb_reads_and_an_svg_map()
    {
        string dir = TempDir();

        var (exit, output, error) = await CliRunner.RunAsync(DemoCommand.Create(),
            "demo", "--out", dir, "--transactions", "3000", "--stores", "25", "--date", "2026-11-21", "--seed", "7");

        Assert.True(exit == 0, error);
        Assert.Contains("Summary", output, StringComparison.Ordinal);
        Assert.Contains("gold_daily_metrics 1.0.0", output, StringComparison.Ordinal);
        string parquet = Path.Combine(dir, "datasets", "gold_daily_metrics", "versions", "1.0.0");
        (long rows, long transactions, decimal sales) = Duck(
            $"SELECT count(*), sum(transaction_count)::bigint, sum(total_sales) FROM read_parquet('{parquet}/**/*.parquet', hive_partitioning = true)",
            static r => (Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), r.GetInt64(1), r.GetDecimal(2)));
        Assert.Equal(25, rows);
        Assert.Equal(3000, transactions);
        Assert.True(sales > 0);
        Assert.Equal("2026-11-21", Duck($"SELECT DISTINCT date_key::text FROM read_parquet('{parquet}/**/*.parquet', hive_partitioning = true)", static r => r.GetString(0)));

        XDocument svg = XDocument.Load(Path.Combine(dir, "sales-by-region.svg"));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        Assert.True(svg.Descendants(ns + "path").Count() >= 17, "one path per region");
        Assert.True(File.Exists(Path.Combine(dir, "transactions-2026-11-21.jsonl")));
    }

    [Fact]
    public async Task Demo_counts_every_planted_replay_and_bad_line_and_loses_no_event()
    {
        string dir = TempDir();

        DemoSummary s = await DemoRunner.RunAsync(new DemoRequest(dir, 2000, 12, Day, 11, null), null, CancellationToken.None);

        Assert.Equal(s.Planted.Lines, s.Lines);
        Assert.Equal(s.Planted.Distinct, s.Accepted);
        Assert.Equal(s.Planted.Replays, s.Duplicates);
        Assert.Equal(s.Planted.Malformed, s.Rejected);
        Assert.True(s.Duplicates > 0 && s.Rejected > 0, "the corpus plants replays and bad lines");
        Assert.All(s.FirstErrors, e => Assert.True(e.LineNumber > 0 && e.ByteOffset >= 0));
        Assert.Equal(2000, s.Snapshot.Silver.Count);
        Assert.Equal(2000, s.Snapshot.GoldDaily.Sum(g => g.TransactionCount));
        Assert.Equal(s.Snapshot.Silver.Sum(t => t.NetAmount), s.Snapshot.GoldDaily.Sum(g => g.NetSales));
        Assert.True(s.Snapshot.Silver.Count(t => t.GeoStatus is "exact" or "fuzzy") >= 1800, "messy store places mostly resolve");
        Assert.Equal(s.SalesByRegion.Sum(kv => kv.Value), s.Snapshot.GoldGeo.Where(g => g.RegionCode.Length > 0).Sum(g => g.PesoTotal));
    }

    [Fact]
    public async Task Demo_same_seed_gives_the_same_bytes_and_a_rerun_publishes_the_next_version()
    {
        string a = TempDir(), b = TempDir();

        await DemoRunner.RunAsync(new DemoRequest(a, 500, 5, Day, 3, null), null, CancellationToken.None);
        DemoSummary again = await DemoRunner.RunAsync(new DemoRequest(a, 500, 5, Day, 3, null), null, CancellationToken.None);
        await DemoRunner.RunAsync(new DemoRequest(b, 500, 5, Day, 4, null), null, CancellationToken.None);

        string file = "transactions-2026-11-21.jsonl";
        byte[] first = File.ReadAllBytes(Path.Combine(a, file));
        Assert.Equal(first, File.ReadAllBytes(again.JsonlPath));
        Assert.NotEqual(first, File.ReadAllBytes(Path.Combine(b, file)));
        Assert.Equal("1.0.1", again.Dataset.Version);
    }

    [Fact]
    public async Task Demo_on_postgres_gives_the_same_gold_as_in_memory()
    {
        string memoryDir = TempDir(), postgresDir = TempDir();

        DemoSummary memory = await DemoRunner.RunAsync(new DemoRequest(memoryDir, 1500, 10, Day, 5, null), null, CancellationToken.None);
        DemoSummary postgres = await DemoRunner.RunAsync(new DemoRequest(postgresDir, 1500, 10, Day, 5, db.ConnectionString), null, CancellationToken.None);

        Assert.Equal("PostgreSQL", postgres.Engine);
        Assert.Equal((memory.Lines, memory.Accepted, memory.Duplicates, memory.Rejected), (postgres.Lines, postgres.Accepted, postgres.Duplicates, postgres.Rejected));
        Assert.Equal(Gold(memory.Snapshot), Gold(postgres.Snapshot));
        string read = "SELECT store_id, transaction_count, total_sales::text, net_sales::text, unique_customers FROM read_parquet('{0}/**/*.parquet') ORDER BY store_id";
        Assert.Equal(
            DuckAll(string.Format(CultureInfo.InvariantCulture, read, memory.DatasetFolder), Row),
            DuckAll(string.Format(CultureInfo.InvariantCulture, read, postgres.DatasetFolder), Row));
        Assert.Equal(File.ReadAllText(memory.SvgPath), File.ReadAllText(postgres.SvgPath));
    }

    private static List<string> Gold(MedallionSnapshot s) =>
        [.. s.GoldDaily.OrderBy(g => g.StoreId, StringComparer.Ordinal).Select(g => string.Create(CultureInfo.InvariantCulture,
            $"{g.StoreId} {g.DateKey} {g.TransactionCount} {g.NetSales:0.00} {g.UniqueCustomers} {g.UnitsSold:0.###}"))];

    private static string Row(DuckDBDataReader r) => string.Join(' ', Enumerable.Range(0, r.FieldCount).Select(i => Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture)));

    private static T Duck<T>(string sql, Func<DuckDBDataReader, T> map) => DuckAll(sql, map).Single();

    private static List<T> DuckAll<T>(string sql, Func<DuckDBDataReader, T> map)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = sql;
        using DuckDBDataReader reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(map(reader));
        }

        return rows;
    }
}
