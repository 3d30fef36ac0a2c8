using System.Globalization;
using System.Text;
using NetTopologySuite.Features;

namespace Lakehouse.Geo;

/// <summary>
/// A classed (choropleth) map of one metric over a <see cref="BoundarySet"/>: each area's value, class and colour,
/// the classes for the legend, and what in the metric could not be drawn. Render it with <see cref="WriteSvg"/> /
/// <see cref="ToSvg"/> (a self-contained SVG: projection, classed fills, legend, title, tooltips) or
/// <see cref="WriteGeoJson"/> / <see cref="ToGeoJson"/> (the polygons with <c>value</c>, <c>class</c> and <c>color</c>
/// properties, for a web map).
/// </summary>
/// <remarks>
/// Values are matched to areas by PSGC code (a 9-digit code is taken to have lost its leading zero), else by name or a
/// region's short name, ignoring case. On a province map an independent city takes its own code's value when the
/// metric has one, else its province's (<see cref="BoundaryFeature.ProvinceCode"/>); NCR cities and Pateros fall back
/// to the NCR region code; a province composite takes only a value given for its key (<c>1102400000+1108600000</c>):
/// values of the provinces it covers are not combined, since a metric may not be additive.
/// </remarks>
public sealed class Choropleth
{
    private const string NcrRegion = "1300000000";

    private Choropleth(BoundarySet boundaries, ChoroplethOptions options, ChoroplethArea[] areas, ChoroplethClass[] classes, List<ChoroplethWarning> warnings)
    {
        Boundaries = boundaries;
        Options = options;
        Areas = areas;
        Classes = classes;
        Warnings = warnings;
    }

    /// <summary>The polygons drawn.</summary>
    public BoundarySet Boundaries { get; }

    /// <summary>The options the map was made with (do not change them afterwards).</summary>
    public ChoroplethOptions Options { get; }

    /// <summary>One area per feature of <see cref="Boundaries"/>, in the same order.</summary>
    public IReadOnlyList<ChoroplethArea> Areas { get; }

    /// <summary>The classes, lightest first; empty when no value matched.</summary>
    public IReadOnlyList<ChoroplethClass> Classes { get; }

    /// <summary>Metric entries not drawn: unknown codes, codes with no polygon of their own, duplicates.</summary>
    public IReadOnlyList<ChoroplethWarning> Warnings { get; }

    /// <summary>How many areas have no value.</summary>
    public int NoDataAreas => Areas.Count(static a => a.Value is null);

    /// <summary>Classes the metric and assigns every area its class and colour.</summary>
    /// <param name="boundaries">The polygons, e.g. <see cref="PhilippineBoundaries.Regions"/>.</param>
    /// <param name="values">PSGC code (or name) → value; see the remarks on <see cref="Choropleth"/> for how they match.</param>
    /// <param name="options">Classes, method, palette and layout; <see langword="null"/> for the defaults.</param>
    /// <returns>The classed map.</returns>
    /// <exception cref="ArgumentException">An option is out of range (e.g. <see cref="ChoroplethOptions.Classes"/> above 12).</exception>
    public static Choropleth Create(BoundarySet boundaries, IEnumerable<KeyValuePair<string, decimal>> values, ChoroplethOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        ArgumentNullException.ThrowIfNull(values);
        options ??= new ChoroplethOptions();
        options.Validate();

        var matcher = new MetricMatcher(boundaries);
        var warnings = new List<ChoroplethWarning>();
        var byCode = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var givenAs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string given, decimal value) in values)
        {
            string? code = matcher.Match(given, out string? why);
            if (code is null)
            {
                warnings.Add(new ChoroplethWarning(given, why!));
                continue;
            }

            if (givenAs.TryGetValue(code, out string? earlier))
            {
                string also = earlier == given ? "" : $" (also as '{earlier}')";
                warnings.Add(new ChoroplethWarning(given, $"'{given}' is given more than once{also}; the later value is used."));
            }

            byCode[code] = value;
            givenAs[code] = given;
        }

        var found = new (decimal? Value, string? Code)[boundaries.Count];
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < boundaries.Count; i++)
        {
            BoundaryFeature feature = boundaries[i];
            string? code = ValueCode(feature, byCode, boundaries.Level);
            found[i] = code is null ? (null, null) : (byCode[code], code);
            if (code is not null)
            {
                used.Add(code);
            }
        }

        for (int i = 0; i < boundaries.Count; i++)
        {
            // A province drawn only inside a composite may still be a city's roll-up code (Davao del Sur for Davao
            // City): the city is coloured, the composite is not; say so rather than leave it grey without a word.
            BoundaryFeature feature = boundaries[i];
            if (feature.Kind == "province-composite" && found[i].Value is null)
            {
                foreach (string covered in feature.Covers)
                {
                    if (givenAs.TryGetValue(covered, out string? given))
                    {
                        warnings.Add(new ChoroplethWarning(given,
                            $"'{given}' has no polygon of its own: it is drawn inside '{feature.Name}', which takes only a value given for '{feature.Key}'; only cities that roll up to it are coloured."));
                    }
                }
            }
        }

        foreach ((string code, string given) in givenAs)
        {
            if (!used.Contains(code))
            {
                warnings.Add(new ChoroplethWarning(given, $"'{given}' ({code}) matches no area of the {boundaries.Level.ToString().ToLowerInvariant()} map."));
            }
        }

        decimal[] bounds = ClassBreaks.Compute(used.Select(c => byCode[c]).ToArray(), options.Classes, options.Method);
        string[] colours = Palette.Ramp(options.Palette, bounds.Length);
        var areas = new ChoroplethArea[boundaries.Count];
        int[] counts = new int[bounds.Length];
        for (int i = 0; i < areas.Length; i++)
        {
            (decimal? value, string? code) = found[i];
            if (value is null)
            {
                areas[i] = new ChoroplethArea(boundaries[i], null, null, null, options.NoDataColor);
                continue;
            }

            int index = 0;
            while (value.Value > bounds[index])
            {
                index++;
            }

            counts[index]++;
            areas[i] = new ChoroplethArea(boundaries[i], value, code, index + 1, colours[index]);
        }

        decimal minimum = used.Count == 0 ? 0 : used.Min(c => byCode[c]);
        var classes = new ChoroplethClass[bounds.Length];
        for (int c = 0; c < bounds.Length; c++)
        {
            classes[c] = new ChoroplethClass(c + 1, c == 0 ? minimum : bounds[c - 1], bounds[c], colours[c], counts[c]);
        }

        return new Choropleth(boundaries, options, areas, classes, warnings);
    }

    /// <summary>Writes the map as an SVG document (UTF-8, no BOM).</summary>
    /// <param name="stream">Where to write; not disposed.</param>
    public void WriteSvg(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ChoroplethSvg.Write(this, stream);
    }

    /// <summary>The map as an SVG document.</summary>
    /// <returns>The SVG text.</returns>
    public string ToSvg()
    {
        using var stream = new MemoryStream();
        WriteSvg(stream);
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>
    /// Writes an RFC 7946 FeatureCollection: one feature per area (<c>id</c> = key) with the properties <c>key</c>,
    /// <c>psgc_code</c>, <c>name</c>, <c>kind</c>, <c>region_code</c>, <c>province_code</c>, <c>value</c> (number or
    /// <c>null</c>), <c>value_code</c>, <c>class</c> (1-based or <c>null</c>) and <c>color</c>; the collection carries
    /// foreign members <c>title</c> and <c>classes</c> (the legend).
    /// </summary>
    /// <param name="stream">Where to write (UTF-8); not disposed.</param>
    public void WriteGeoJson(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ChoroplethGeoJson.Write(this, stream);
    }

    /// <summary>The map as GeoJSON text (see <see cref="WriteGeoJson"/>).</summary>
    /// <returns>The GeoJSON.</returns>
    public string ToGeoJson()
    {
        using var stream = new MemoryStream();
        WriteGeoJson(stream);
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>The map as a NetTopologySuite <see cref="FeatureCollection"/> with the properties of <see cref="WriteGeoJson"/>.</summary>
    /// <returns>A new collection sharing the geometries.</returns>
    public FeatureCollection ToFeatureCollection()
    {
        var collection = new FeatureCollection();
        foreach (ChoroplethArea area in Areas)
        {
            Feature feature = area.Feature.ToFeature();
            feature.Attributes.Add("value", area.Value);
            feature.Attributes.Add("value_code", area.ValueCode);
            feature.Attributes.Add("class", area.Class);
            feature.Attributes.Add("color", area.Color);
            collection.Add(feature);
        }

        return collection;
    }

    internal string FormatValue(decimal value) => value.ToString(Options.ValueFormat, CultureInfo.InvariantCulture);

    private static string? ValueCode(BoundaryFeature feature, Dictionary<string, decimal> byCode, BoundaryLevel level)
    {
        if (byCode.ContainsKey(feature.Key))
        {
            return feature.Key;
        }

        if (level != BoundaryLevel.Province || feature.PsgcCode is null)
        {
            return null; // composites and unassigned land take only their own key
        }

        if (feature.ProvinceCode is not null)
        {
            return byCode.ContainsKey(feature.ProvinceCode) ? feature.ProvinceCode : null;
        }

        return feature.RegionCode == NcrRegion && byCode.ContainsKey(NcrRegion) ? NcrRegion : null;
    }
}
