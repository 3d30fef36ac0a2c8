using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Lakehouse.Ingest;
using Lakehouse.Ingest.Tests;
using Lakehouse.Testing;
using Npgsql;
using NpgsqlTypes;

namespace Lakehouse.Benchmarks.Ingest;

/// <summary>
/// Bronze load of a corpus into an empty table: BronzeLoader (binary COPY to staging + merge, validation and
/// hashing included) vs batched multi-row INSERT … ON CONFLICT of pre-parsed rows (hashes precomputed outside
/// the timing, no validation), on a local throwaway PostgreSQL 15.
/// </summary>
[MemoryDiagnoser]
public class BronzeLoadBenchmarks
{
    private readonly PostgresDatabase _db = new();
    private byte[] _corpus = [];
    private (string Store, byte[] Hash, string Raw)[] _rows = [];

    [Params(20_000)]
    public int Lines { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _db.InitializeAsync().GetAwaiter().GetResult();
        IngestSchema.MigrateAsync(_db.DataSource).GetAwaiter().GetResult();
        _corpus = TransactionCorpus.Bytes(Lines);
        _rows = TransactionCorpus.Lines(Lines)
            .Select(l => Encoding.UTF8.GetString(l).TrimEnd('\n'))
            .Select(raw => (raw.Split('"')[7], SHA256.HashData(Encoding.UTF8.GetBytes(raw)), raw))
            .ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _db.DisposeAsync().GetAwaiter().GetResult();

    [IterationSetup]
    public void Truncate() => _db.ExecuteAsync("TRUNCATE scout.bronze_transactions, scout.bronze_rejects, scout.ingestion_status").GetAwaiter().GetResult();

    [Benchmark]
    public async Task<long> BronzeLoader_Copy()
    {
        var loader = new BronzeLoader(_db.DataSource, new IngestOptions { DedupWindowMaxEntries = 0 });
        BronzeLoadResult r = await loader.LoadAsync(new MemoryStream(_corpus), new BronzeSource("bench"));
        return r.Inserted;
    }

    [Benchmark(Baseline = true)]
    public async Task<long> MultiRowInsert_1000()
    {
        long inserted = 0;
        await using NpgsqlConnection connection = await _db.DataSource.OpenConnectionAsync();
        for (int start = 0; start < _rows.Length; start += 1000)
        {
            int n = Math.Min(1000, _rows.Length - start);
            var sql = new StringBuilder("INSERT INTO scout.bronze_transactions (store_id, event_hash, raw, source) VALUES ");
            await using var command = new NpgsqlCommand { Connection = connection };
            for (int i = 0; i < n; i++)
            {
                sql.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"(${3 * i + 1}, ${3 * i + 2}, ${3 * i + 3}, 'bench')");
                command.Parameters.Add(new NpgsqlParameter<string>() { TypedValue = _rows[start + i].Store });
                command.Parameters.Add(new NpgsqlParameter<byte[]>() { TypedValue = _rows[start + i].Hash, NpgsqlDbType = NpgsqlDbType.Bytea });
                command.Parameters.Add(new NpgsqlParameter<string>() { TypedValue = _rows[start + i].Raw });
            }

            command.CommandText = sql.Append(" ON CONFLICT (store_id, event_hash) DO NOTHING").ToString();
            inserted += await command.ExecuteNonQueryAsync();
        }

        return inserted;
    }
}
