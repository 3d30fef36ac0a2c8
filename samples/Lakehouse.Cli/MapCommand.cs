using System.CommandLine;
using System.Globalization;
using Lakehouse.Geo;

namespace Lakehouse.Cli;

/// <summary><c>lakehouse map</c>: draw a choropleth (SVG, optionally GeoJSON) of a metric per region or province.</summary>
internal static class MapCommand
{
    public static Command Create()
    {
        var metric = new Option<FileInfo>("--metric") { Description = "CSV with the header 'code,value' (PSGC code or place name, number).", Required = true };
        var level = new Option<string>("--level") { Description = "region or province (default region).", DefaultValueFactory = _ => "region" };
        level.AcceptOnlyFromAmong("region", "province");
        var output = new Option<FileInfo>("--out", "-o") { Description = "The SVG file to write.", Required = true };
        var title = new Option<string?>("--title") { Description = "The map's title." };
        var classes = new Option<int>("--classes") { Description = "Number of classes, 1–12 (default 5).", DefaultValueFactory = _ => 5 };
        var method = new Option<string>("--method") { Description = "quantile or jenks (default quantile).", DefaultValueFactory = _ => "quantile" };
        method.AcceptOnlyFromAmong("quantile", "jenks");
        var geojson = new Option<FileInfo?>("--geojson") { Description = "Also write the classed polygons as GeoJSON to this file." };

        var command = new Command("map", "Draw a choropleth map (SVG, optionally GeoJSON) of a metric per region or province. Exit code 0 when drawn, 1 when no value matched, 2 on bad input.")
        {
            metric, level, output, title, classes, method, geojson,
        };
        command.SetAction(parse => Run(
            new MapRequest(
                parse.GetValue(metric)!.FullName,
                parse.GetValue(level) == "province" ? BoundaryLevel.Province : BoundaryLevel.Region,
                parse.GetValue(output)!.FullName,
                parse.GetValue(title),
                parse.GetValue(classes),
                parse.GetValue(method) == "jenks" ? ClassificationMethod.Jenks : ClassificationMethod.Quantile,
                parse.GetValue(geojson)?.FullName),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>The verb's work, callable without a process: reads the CSV, writes the files, reports on the writers.</summary>
    internal static int Run(MapRequest request, TextWriter output, TextWriter error)
    {
        var warnings = new List<string>();
        IReadOnlyList<KeyValuePair<string, decimal>> values;
        try
        {
            using StreamReader reader = File.OpenText(request.MetricPath);
            values = MetricCsv.Read(reader, warnings);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            error.WriteLine("error: " + e.Message);
            return 2;
        }

        if (request.Classes is < 1 or > 12)
        {
            error.WriteLine("error: --classes must be between 1 and 12.");
            return 2;
        }

        Choropleth map = Choropleth.Create(PhilippineBoundaries.For(request.Level), values, new ChoroplethOptions
        {
            Title = request.Title,
            Classes = request.Classes,
            Method = request.Method,
        });
        foreach (string warning in warnings)
        {
            error.WriteLine("warning: " + warning);
        }

        foreach (ChoroplethWarning warning in map.Warnings)
        {
            error.WriteLine("warning: " + warning.Message);
        }

        using (FileStream svg = File.Create(request.OutPath))
        {
            map.WriteSvg(svg);
        }

        if (request.GeoJsonPath is not null)
        {
            using FileStream json = File.Create(request.GeoJsonPath);
            map.WriteGeoJson(json);
        }

        int drawn = map.Areas.Count - map.NoDataAreas;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {request.OutPath}: {drawn} of {map.Areas.Count} areas with data, {map.Classes.Count} classes, {map.Warnings.Count + warnings.Count} warning(s)"));
        if (request.GeoJsonPath is not null)
        {
            output.WriteLine("wrote " + request.GeoJsonPath);
        }

        return drawn == 0 ? 1 : 0;
    }
}

/// <summary>The arguments of <c>lakehouse map</c>.</summary>
internal sealed record MapRequest(
    string MetricPath, BoundaryLevel Level, string OutPath, string? Title, int Classes, ClassificationMethod Method, string? GeoJsonPath);
