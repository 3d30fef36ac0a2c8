using System.Globalization;
using DuckDB.NET.Data;
using Lakehouse.Testing;
using Npgsql;

namespace Lakehouse.Publisher.Tests;

/// <summary>Gold- and silver-like tables, and an independent reader (DuckDB) to compare files with PostgreSQL.</summary>
internal static class TestData
{
    public static async Task CreateTablesAsync(PostgresDatabase db, int goldDays = 3, int goldStores = 400)
    {
        await db.ExecuteAsync(
            """
            CREATE SCHEMA IF NOT EXISTS test;
            DROP TABLE IF EXISTS test.gold_daily_metrics, test.silver_transactions;
            CREATE TABLE test.gold_daily_metrics (
                date_key date NOT NULL, store_id text NOT NULL, transaction_count int NOT NULL,
                total_sales numeric(12,2) NOT NULL, avg_basket numeric(20,4), unique_customers bigint);
            CREATE TABLE test.silver_transactions (
                id bigint NOT NULL, transaction_id text NOT NULL, ts timestamptz NOT NULL, date_key date,
                payment_method text, peso_value numeric(12,2), handshake_score double precision,
                is_weekend boolean, item_count int, customer_id text);
            """);
        await db.ExecuteAsync($"""
            INSERT INTO test.gold_daily_metrics
            SELECT DATE '2026-11-20' + d, 'S' || lpad(s::text, 4, '0'), (d * 7 + s) % 97, round(((d * 131 + s * 17) % 100000) / 100.0, 2),
                   CASE WHEN s % 10 = 0 THEN NULL ELSE round((s * 1.2345)::numeric, 4) END, CASE WHEN s % 7 = 0 THEN NULL ELSE s * 1000000000::bigint END
            FROM generate_series(0, {goldDays - 1}) d, generate_series(1, {goldStores}) s;
            INSERT INTO test.silver_transactions VALUES
              (1, 't1', '2026-11-21 08:15:30.123456+08', '2026-11-21', 'cash', 150.50, 0.5, false, 3, 'c1'),
              (2, 't2', '2026-11-21 23:59:59.999999+00', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
              (3, 't''3 "q" ñ', '1999-12-31 16:00:00+00', '1999-12-31', 'gcash', -0.01, 'NaN', true, -2147483648, 'c3'),
              (4, 't4', '2038-01-19 03:14:07.5+00', '2038-01-19', 'maya', 9999999999.99, 1e300, true, 2147483647, NULL),
              (9223372036854775807, '', '1970-01-01 00:00:00+00', '1970-01-01', 'card', 0, -0.0, false, 0, 'c5');
            """);
    }

    public static DatasetDefinition Silver(string version = "1.0.0") => new()
    {
        Name = "silver_like",
        Version = version,
        Source = "SELECT id, transaction_id, ts, date_key, payment_method, peso_value, handshake_score, is_weekend, item_count FROM test.silver_transactions",
        IsQuery = true,
        InputTables = ["test.silver_transactions"],
        Columns =
        [
            new("id", DatasetColumnType.Int8, IsNullable: false),
            new("transaction_id", DatasetColumnType.Text, IsNullable: false),
            new("ts", DatasetColumnType.TimestampUtc, IsNullable: false),
            new("date_key", DatasetColumnType.Date),
            new("payment_method", DatasetColumnType.Text),
            DatasetColumn.Numeric("peso_value", 12, 2),
            new("handshake_score", DatasetColumnType.Float8),
            new("is_weekend", DatasetColumnType.Boolean),
            new("item_count", DatasetColumnType.Int4),
        ],
    };

    public static DatasetDefinition Gold(string version = "1.0.0") => new()
    {
        Name = "gold_like",
        Version = version,
        Source = "test.gold_daily_metrics",
        PartitionBy = "date_key",
        TransformVersion = "gold-test-1",
        Columns =
        [
            new("date_key", DatasetColumnType.Date, IsNullable: false),
            new("store_id", DatasetColumnType.Text, IsNullable: false),
            new("transaction_count", DatasetColumnType.Int4, IsNullable: false),
            DatasetColumn.Numeric("total_sales", 12, 2, isNullable: false),
            DatasetColumn.Numeric("avg_basket", 20, 4),
            new("unique_customers", DatasetColumnType.Int8),
        ],
    };

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lh-publisher-tests", Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static async Task<List<object?[]>> PostgresRowsAsync(PostgresDatabase db, string sql)
    {
        var rows = new List<object?[]>();
        await using NpgsqlCommand command = db.DataSource.CreateCommand(sql);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (int i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetDataTypeName(i) == "date" ? reader.GetFieldValue<DateOnly>(i) : reader.GetValue(i);
            }

            rows.Add(Normalize(row));
        }

        return rows;
    }

    public static List<object?[]> DuckRows(string sql) => DuckQuery(sql, static r =>
    {
        var row = new object?[r.FieldCount];
        for (int i = 0; i < row.Length; i++)
        {
            row[i] = r.IsDBNull(i) ? null : r.GetValue(i);
        }

        return Normalize(row);
    });

    public static List<T> DuckQuery<T>(string sql, Func<DuckDBDataReader, T> map)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = "SET TimeZone = 'UTC'";
        command.ExecuteNonQuery();
        command.CommandText = sql;
        using DuckDBDataReader reader = (DuckDBDataReader)command.ExecuteReader();
        var list = new List<T>();
        while (reader.Read())
        {
            list.Add(map(reader));
        }

        return list;
    }

    /// <summary>One spelling per value, so both readers compare equal: ticks for instants, invariant text for the rest.</summary>
    private static object?[] Normalize(object?[] row)
    {
        for (int i = 0; i < row.Length; i++)
        {
            row[i] = row[i] switch
            {
                null => null,
                DateTime t => "ts:" + t.Ticks.ToString(CultureInfo.InvariantCulture),
                DateTimeOffset t => "ts:" + t.UtcTicks.ToString(CultureInfo.InvariantCulture),
                DateOnly d => "d:" + d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                decimal m => "m:" + m.ToString("G29", CultureInfo.InvariantCulture), // value, not scale: DuckDB.NET trims zeros of wide decimals
                double f => "f:" + f.ToString("R", CultureInfo.InvariantCulture),
                int n => "i:" + n.ToString(CultureInfo.InvariantCulture),
                long n => "i:" + n.ToString(CultureInfo.InvariantCulture),
                bool b => "b:" + b,
                string s => "s:" + s,
                var other => other.GetType().Name + ":" + Convert.ToString(other, CultureInfo.InvariantCulture),
            };
        }

        return row;
    }
}
