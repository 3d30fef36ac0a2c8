using System.Runtime.CompilerServices;

namespace Lakehouse.Geo.Tests.Maps;

/// <summary>
/// Pins the exact SVG and GeoJSON text of one small map. After an intended change, regenerate with
/// <c>LAKEHOUSE_UPDATE_SNAPSHOTS=1 dotnet test --filter SnapshotTests</c> and review the diff.
/// </summary>
public sealed class SnapshotTests
{
    private static Choropleth SmallMap()
    {
        // The Visayas regions, simplified to keep the file small, with made-up values.
        BoundarySet visayas = PhilippineBoundaries.Regions.Where(r => r.IslandGroup == "Visayas").Simplify(0.04);
        return Choropleth.Create(visayas, [new("0600000000", 1520.75m), new("0700000000", 3980m), new("0800000000", 610.5m)],
            new ChoroplethOptions { Title = "Visayas sales", LegendTitle = "PHP", Classes = 3, Width = 520, Height = 340 });
    }

    [Fact]
    public void ToSvg_small_map_matches_snapshot() => AssertSnapshot("visayas.svg", SmallMap().ToSvg());

    [Fact]
    public void ToGeoJson_small_map_matches_snapshot() => AssertSnapshot("visayas.geojson", SmallMap().ToGeoJson());

    private static void AssertSnapshot(string name, string actual, [CallerFilePath] string source = "")
    {
        if (Environment.GetEnvironmentVariable("LAKEHOUSE_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(Path.Combine(Path.GetDirectoryName(source)!, "snapshots", name), actual);
        }

        string expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Maps", "snapshots", name));
        Assert.Equal(expected.ReplaceLineEndings("\n"), actual);
    }
}
