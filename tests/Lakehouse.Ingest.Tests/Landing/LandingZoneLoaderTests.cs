using Lakehouse.Testing;

namespace Lakehouse.Ingest.Tests;

public sealed class LandingZoneLoaderTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly LandingFolder _zone = new();

    public void Dispose() => _zone.Dispose();

    [Fact]
    public async Task LoadAsync_loads_each_file_once_reloads_changed_content_and_reports_bad_paths()
    {
        await IngestSchema.MigrateAsync(db.DataSource);
        _zone.Write("2026-11-21/pi5-0001/a.jsonl", LandingFolder.Event(1), LandingFolder.Event(2));
        _zone.Write("2026-11-21/pi5-0002/b.jsonl", LandingFolder.Event(3), "bad");
        _zone.Write("2026-13-01/pi5-0001/c.jsonl", LandingFolder.Event(4));
        _zone.Write("stray.jsonl", LandingFolder.Event(5));
        _zone.Write("2026-11-21/pi5-0001/notes.txt", "ignored");
        var bronze = new BronzeLoader(db.DataSource);
        var loader = new LandingZoneLoader(db.DataSource, bronze, new LandingZoneOptions { Root = _zone.Root });

        LandingZoneResult first = await loader.LoadAsync();
        LandingZoneResult second = await new LandingZoneLoader(db.DataSource, new BronzeLoader(db.DataSource), new LandingZoneOptions { Root = _zone.Root }).LoadAsync();
        _zone.Write("2026-11-21/pi5-0001/a.jsonl", LandingFolder.Event(1), LandingFolder.Event(2), LandingFolder.Event(6));
        LandingZoneResult third = await loader.LoadAsync();

        Assert.Equal((2, 0), (first.FilesLoaded, first.FilesSkipped));
        Assert.Equal(new BronzeLoadResult(4, 3, 1, 3, 0), first.Totals);
        Assert.Equal(["2026-13-01/pi5-0001/c.jsonl", "stray.jsonl"], first.BadPaths.Select(b => b.Path));
        Assert.Equal((0, 2), (second.FilesLoaded, second.FilesSkipped));
        Assert.Equal((1, 1), (third.FilesLoaded, third.FilesSkipped));
        Assert.Equal(new BronzeLoadResult(3, 3, 0, 1, 2), third.Totals);
        Assert.Equal(4L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions"));
        Assert.Equal(3L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.landing_files"));
        Assert.Equal("pi5-0002", await db.ScalarAsync<string>("SELECT device_id FROM scout.bronze_rejects"));
        Assert.Equal("2026-11-21/pi5-0001/a.jsonl", await db.ScalarAsync<string>("SELECT source FROM scout.bronze_transactions WHERE transaction_id = 't6'"));
    }

    [Theory]
    [InlineData("2026-11-21/pi5-0001/x.jsonl", true)]
    [InlineData("2026-11-21/PI_5.a-1/2026.jsonl", true)]
    [InlineData("2026-02-29/pi/x.jsonl", false)]
    [InlineData("2026-1-21/pi/x.jsonl", false)]
    [InlineData("2026-11-21/.hidden/x.jsonl", false)]
    [InlineData("2026-11-21/pi 5/x.jsonl", false)]
    [InlineData("2026-11-21/pi/sub/x.jsonl", false)]
    [InlineData("2026-11-21/x.jsonl", false)]
    [InlineData("2026-11-21/pi/.jsonl", false)]
    public void TryParsePath_checks_date_device_and_file(string path, bool ok)
    {
        Assert.Equal(ok, LandingZoneLoader.TryParsePath(path, out _, out _, out string? error));
        Assert.Equal(ok, error is null);
    }
}
