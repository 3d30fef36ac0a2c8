using System.Xml.Linq;
using Lakehouse.Cli;

namespace Lakehouse.Geo.Tests.Maps;

public sealed class MapCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lakehouse-map-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Code, string Output, string Error) Run(string csv, BoundaryLevel level, string? geojson = "map.geojson", int classes = 5)
    {
        string metric = Path.Combine(_dir, "metric.csv");
        File.WriteAllText(metric, csv);
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = MapCommand.Run(
            new MapRequest(metric, level, Path.Combine(_dir, "map.svg"), "Test map", classes, ClassificationMethod.Jenks, geojson is null ? null : Path.Combine(_dir, geojson)),
            output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Run_province_metric_writes_svg_and_geojson_and_warns_about_unknown_codes()
    {
        (int code, string output, string error) = Run(
            "code,value\n0702200000,150.5\n\"0102800000\",\"1,200\"\n1102400000+1108600000,7\nAtlantis,3\n0402100000,abc\n", BoundaryLevel.Province);

        Assert.Equal(0, code);
        Assert.Contains("warning: 'Atlantis' is not a PSGC code or name of the province map.", error, StringComparison.Ordinal);
        Assert.Contains("warning: line 6: value 'abc' of '0402100000' is not a number; row skipped", error, StringComparison.Ordinal);
        Assert.Contains("of 120 areas with data", output, StringComparison.Ordinal);
        XDocument svg = XDocument.Load(Path.Combine(_dir, "map.svg"));
        Assert.Equal(120, svg.Descendants(XName.Get("path", "http://www.w3.org/2000/svg")).Count());
        Assert.Contains("\"value\":1200", File.ReadAllText(Path.Combine(_dir, "map.geojson")), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_nothing_matches_exit_1_and_still_draws()
    {
        (int code, _, string error) = Run("code,value\nnowhere,1\n", BoundaryLevel.Region, geojson: null);

        Assert.Equal(1, code);
        Assert.Contains("nowhere", error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_dir, "map.svg")));
    }

    [Theory]
    [InlineData("place,amount\nx,1\n", 5)]
    [InlineData("code,value\n1300000000,1\n", 13)]
    public void Run_bad_header_or_classes_exit_2(string csv, int classes)
    {
        (int code, _, string error) = Run(csv, BoundaryLevel.Region, classes: classes);

        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_parses_the_documented_options()
    {
        string metric = Path.Combine(_dir, "m.csv");
        string svg = Path.Combine(_dir, "out.svg");
        await File.WriteAllTextAsync(metric, "code,value\nNCR,5\n");
        var root = new System.CommandLine.RootCommand { MapCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();

        System.CommandLine.ParseResult parse = root.Parse(["map", "--metric", metric, "--level", "region", "--out", svg, "--title", "T", "--classes", "3", "--method", "quantile"]);
        parse.InvocationConfiguration.Output = output;
        parse.InvocationConfiguration.Error = error;
        int code = await parse.InvokeAsync();

        Assert.True(code == 0, error.ToString());
        Assert.Contains("1 of 18 areas with data", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("<text x=\"12\" y=\"34\" font-size=\"22\" font-weight=\"bold\" fill=\"#222222\">T</text>", await File.ReadAllTextAsync(svg), StringComparison.Ordinal);
    }
}
