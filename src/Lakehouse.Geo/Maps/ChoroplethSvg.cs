using System.Globalization;
using System.Text;
using System.Xml;
using NetTopologySuite.Geometries;

namespace Lakehouse.Geo;

/// <summary>
/// Draws a <see cref="Choropleth"/> as SVG: an equirectangular projection with the longitude scaled by the cosine of
/// the middle latitude (so shapes keep their proportions at the Philippines' latitudes), fitted to the canvas left of
/// a legend column; pixel coordinates rounded to 0.1 to keep files small.
/// </summary>
internal static class ChoroplethSvg
{
    private const string Ns = "http://www.w3.org/2000/svg";
    private const int LegendWidth = 230;
    private const int Margin = 12;
    private const string Font = "Helvetica, Arial, sans-serif";

    public static void Write(Choropleth map, Stream stream)
    {
        ChoroplethOptions options = map.Options;
        int width = options.Width;
        int height = options.Height;
        int top = options.Title is null ? Margin : 52;
        int bottom = options.Credit is null ? Margin : 28;
        var projection = Projection.Fit(map.Boundaries.Extent, Margin, top, width - LegendWidth - Margin, height - bottom);

        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(false),
            Indent = true,
            IndentChars = " ",
            NewLineChars = "\n",
            NewLineHandling = NewLineHandling.Replace,
        };
        using XmlWriter xml = XmlWriter.Create(stream, settings);
        xml.WriteStartDocument();
        xml.WriteStartElement("svg", Ns);
        Attribute(xml, "width", width);
        Attribute(xml, "height", height);
        xml.WriteAttributeString("viewBox", string.Create(CultureInfo.InvariantCulture, $"0 0 {width} {height}"));
        xml.WriteAttributeString("font-family", Font);
        if (options.Title is not null)
        {
            xml.WriteElementString("title", Ns, options.Title);
        }

        xml.WriteStartElement("rect", Ns);
        xml.WriteAttributeString("width", "100%");
        xml.WriteAttributeString("height", "100%");
        xml.WriteAttributeString("fill", "#ffffff");
        xml.WriteEndElement();

        if (options.Title is not null)
        {
            Text(xml, Margin, 34, options.Title, 22, "bold", "#222222");
        }

        xml.WriteStartElement("g", Ns);
        xml.WriteAttributeString("stroke", options.StrokeColor);
        Attribute(xml, "stroke-width", options.StrokeWidth);
        xml.WriteAttributeString("stroke-linejoin", "round");
        xml.WriteAttributeString("fill-rule", "evenodd");
        var path = new StringBuilder();
        foreach (ChoroplethArea area in map.Areas)
        {
            path.Clear();
            AppendPath(path, area.Feature.Geometry, projection);
            if (path.Length == 0)
            {
                continue; // every ring shrank below a pixel
            }

            xml.WriteStartElement("path", Ns);
            xml.WriteAttributeString("data-key", area.Feature.Key);
            xml.WriteAttributeString("fill", area.Color);
            xml.WriteAttributeString("d", path.ToString());
            xml.WriteElementString("title", Ns, Tooltip(map, area));
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        WriteLegend(xml, map, width - LegendWidth + Margin, top + 18);
        if (options.Credit is not null)
        {
            Text(xml, Margin, height - 10, options.Credit, 10, null, "#666666");
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteLegend(XmlWriter xml, Choropleth map, int x, int y)
    {
        ChoroplethOptions options = map.Options;
        xml.WriteStartElement("g", Ns);
        xml.WriteAttributeString("class", "legend");
        Text(xml, x, y, options.LegendTitle, 14, "bold", "#222222");
        y += 12;
        foreach (ChoroplethClass c in map.Classes)
        {
            string range = c.Lower == c.Upper && c.Number == 1
                ? map.FormatValue(c.Upper)
                : map.FormatValue(c.Lower) + " – " + map.FormatValue(c.Upper);
            Swatch(xml, x, y, c.Color, string.Create(CultureInfo.InvariantCulture, $"{range} ({c.Areas})"));
            y += 24;
        }

        int noData = map.NoDataAreas;
        if (noData > 0)
        {
            Swatch(xml, x, y, options.NoDataColor, string.Create(CultureInfo.InvariantCulture, $"no data ({noData})"));
            y += 24;
        }

        string method = options.Method == ClassificationMethod.Jenks ? "Jenks natural breaks" : "quantiles";
        Text(xml, x, y + 10, string.Create(CultureInfo.InvariantCulture, $"{map.Classes.Count} classes, {method}"), 11, null, "#666666");
        xml.WriteEndElement();
    }

    private static void Swatch(XmlWriter xml, int x, int y, string colour, string label)
    {
        xml.WriteStartElement("rect", Ns);
        Attribute(xml, "x", x);
        Attribute(xml, "y", y);
        Attribute(xml, "width", 22);
        Attribute(xml, "height", 16);
        xml.WriteAttributeString("fill", colour);
        xml.WriteAttributeString("stroke", "#888888");
        Attribute(xml, "stroke-width", 0.5);
        xml.WriteEndElement();
        Text(xml, x + 30, y + 13, label, 12, null, "#222222");
    }

    private static void Text(XmlWriter xml, int x, int y, string text, int size, string? weight, string colour)
    {
        xml.WriteStartElement("text", Ns);
        Attribute(xml, "x", x);
        Attribute(xml, "y", y);
        Attribute(xml, "font-size", size);
        if (weight is not null)
        {
            xml.WriteAttributeString("font-weight", weight);
        }

        xml.WriteAttributeString("fill", colour);
        xml.WriteString(text);
        xml.WriteEndElement();
    }

    private static string Tooltip(Choropleth map, ChoroplethArea area)
    {
        if (area.Value is not { } value)
        {
            return area.Feature.Name + ": no data";
        }

        string text = area.Feature.Name + ": " + map.FormatValue(value);
        if (area.ValueCode != area.Feature.Key)
        {
            string source = map.Boundaries.TryGetFeature(area.ValueCode!, out BoundaryFeature? from) ? from.Name : area.ValueCode!;
            text += " (value of " + source + ")";
        }

        return text;
    }

    private static void AppendPath(StringBuilder path, MultiPolygon geometry, Projection projection)
    {
        for (int p = 0; p < geometry.NumGeometries; p++)
        {
            var polygon = (Polygon)geometry.GetGeometryN(p);
            AppendRing(path, polygon.ExteriorRing, projection);
            foreach (LineString hole in polygon.InteriorRings)
            {
                AppendRing(path, hole, projection);
            }
        }
    }

    private static void AppendRing(StringBuilder path, LineString ring, Projection projection)
    {
        // Rounded to 0.1 px; repeated points dropped; a ring left with fewer than 3 points is invisible and skipped.
        int start = path.Length;
        int points = 0;
        long lastX = long.MinValue, lastY = long.MinValue;
        Coordinate[] coordinates = ring.Coordinates;
        for (int i = 0; i < coordinates.Length - 1; i++) // the closing point repeats the first; Z closes instead
        {
            (double x, double y) = projection.Apply(coordinates[i]);
            long tx = (long)Math.Round(x * 10), ty = (long)Math.Round(y * 10);
            if (tx == lastX && ty == lastY)
            {
                continue;
            }

            path.Append(points == 0 ? (path.Length == 0 ? "M" : " M") : points == 1 ? "L" : " ");
            AppendTenths(path, tx);
            path.Append(' ');
            AppendTenths(path, ty);
            lastX = tx;
            lastY = ty;
            points++;
        }

        if (points < 3)
        {
            path.Length = start;
            return;
        }

        path.Append('Z');
    }

    private static void AppendTenths(StringBuilder path, long tenths)
    {
        if (tenths < 0)
        {
            path.Append('-');
            tenths = -tenths;
        }

        path.Append((tenths / 10).ToString(CultureInfo.InvariantCulture));
        if (tenths % 10 != 0)
        {
            path.Append('.').Append((char)('0' + (tenths % 10)));
        }
    }

    private static void Attribute(XmlWriter xml, string name, double value) =>
        xml.WriteAttributeString(name, value.ToString("0.##", CultureInfo.InvariantCulture));

    private readonly record struct Projection(double MinLon, double MaxLat, double CosLat, double Scale, double OffsetX, double OffsetY)
    {
        public static Projection Fit(Envelope extent, double left, double top, double right, double bottom)
        {
            if (extent.IsNull)
            {
                return new Projection(0, 0, 1, 1, left, top);
            }

            double cos = Math.Cos((extent.MinY + extent.MaxY) / 2 * Math.PI / 180);
            double spanX = Math.Max(extent.Width * cos, 1e-9);
            double spanY = Math.Max(extent.Height, 1e-9);
            double scale = Math.Min((right - left) / spanX, (bottom - top) / spanY);

            // Centre the map in the space it is given.
            double offsetX = left + (((right - left) - (spanX * scale)) / 2);
            double offsetY = top + (((bottom - top) - (spanY * scale)) / 2);
            return new Projection(extent.MinX, extent.MaxY, cos, scale, offsetX, offsetY);
        }

        public (double X, double Y) Apply(Coordinate c) =>
            (OffsetX + ((c.X - MinLon) * CosLat * Scale), OffsetY + ((MaxLat - c.Y) * Scale));
    }
}
