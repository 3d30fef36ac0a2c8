using Lakehouse.Testing;

namespace Lakehouse.Ingest.Tests;

/// <summary>Several hosts loading one landing zone at once (own database: it counts every row).</summary>
public sealed class LandingZoneConcurrencyTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly LandingFolder _zone = new();

    public void Dispose() => _zone.Dispose();

    [Fact]
    public async Task LoadAsync_by_four_hosts_at_once_loads_each_file_exactly_once_and_counts_its_lines_once()
    {
        await IngestSchema.MigrateAsync(db.DataSource);
        for (int f = 0; f < 12; f++)
        {
            _zone.Write($"2026-11-22/pi5-host/f{f:D2}.jsonl", [.. Enumerable.Range(10_000 + f * 200, 200).Select(LandingFolder.Event), "not json"]);
        }

        LandingZoneResult[] results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            new LandingZoneLoader(db.DataSource, new BronzeLoader(db.DataSource), new LandingZoneOptions { Root = _zone.Root }).LoadAsync())));

        Assert.Equal(12, results.Sum(r => r.FilesLoaded));
        Assert.All(results, r => Assert.Equal(12, r.FilesLoaded + r.FilesSkipped));
        Assert.Equal(2400L, results.Sum(r => r.Totals.Inserted));
        Assert.Equal(0L, results.Sum(r => r.Totals.Duplicates));
        Assert.Equal(12L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.landing_files WHERE device_id = 'pi5-host'"));
        Assert.Equal("2400/0/12", await db.ScalarAsync<string>(
            "SELECT sum(accepted) || '/' || sum(duplicates) || '/' || sum(rejected) FROM scout.ingestion_status WHERE device_id = 'pi5-host'"));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = current_database()"));
    }
}
