using Npgsql;
using Lakehouse.Geo.Tests.Geometry;

namespace Lakehouse.Geo.Tests.Maps;

/// <summary>The "Geometry and maps" example of the package README is this code, run against a real database.</summary>
public sealed class ReadMeExampleTests(PostGisDatabase db) : IClassFixture<PostGisDatabase>
{
    [Fact]
    public async Task Example_runs_and_matches_the_readme()
    {
        string connectionString = db.ConnectionString;

        // README example begins
        // In memory: which province holds a point (ST_Covers semantics).
        var provinces = new BoundaryIndex(PhilippineBoundaries.Provinces);
        BoundaryFeature? cebu = provinces.Locate(longitude: 123.8, latitude: 10.6);

        // A choropleth by region: PSGC codes or names to values; SVG (and GeoJSON) out.
        var sales = new Dictionary<string, decimal>
        {
            ["1300000000"] = 125_000m, ["0700000000"] = 48_500m, ["Region XI"] = 30_250m, ["0400000000"] = 77_000m,
        };
        Choropleth map = Choropleth.Create(PhilippineBoundaries.Regions, sales,
            new ChoroplethOptions { Title = "Sales by region", Classes = 3, Method = ClassificationMethod.Jenks });
        string svgPath = Path.Combine(Path.GetTempPath(), "sales-by-region.svg");
        using (FileStream svg = File.Create(svgPath))
        {
            map.WriteSvg(svg);
        }

        foreach (ChoroplethWarning warning in map.Warnings)
        {
            Console.Error.WriteLine(warning.Message);
        }

        // PostGIS: the data source must map geometries through NetTopologySuite.
        await using NpgsqlDataSource dataSource = new NpgsqlDataSourceBuilder(connectionString).UseNetTopologySuite().Build();
        await GeoSchema.MigrateAsync(dataSource);
        BoundaryImportResult imported = await BoundaryImporter.ImportAsync(dataSource);
        // README example ends

        Assert.Equal("Cebu", cebu?.Name);
        Assert.Equal(4, map.Areas.Count(a => a.Value is not null));
        Assert.True(File.Exists(svgPath));
        Assert.Equal((18, 120), (imported.Regions, imported.Provinces));

        string readme = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Geo.README.md"));
        string source = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Maps", "ReadMeExampleTests.cs.txt"));
        Assert.Contains(Example(source), readme.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    private static string Example(string source)
    {
        string[] lines = source.ReplaceLineEndings("\n").Split('\n');
        int begin = Array.FindIndex(lines, l => l.Trim() == "// README example begins") + 1;
        int end = Array.FindIndex(lines, l => l.Trim() == "// README example ends");
        return string.Join('\n', lines[begin..end].Select(l => l.Length >= 8 ? l[8..] : l.Trim())) + "\n";
    }
}
