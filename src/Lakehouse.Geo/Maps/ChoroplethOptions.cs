namespace Lakehouse.Geo;

/// <summary>How <see cref="Choropleth.Create"/> classes values and how the SVG map looks.</summary>
public sealed class ChoroplethOptions
{
    /// <summary>The map's title, drawn at the top of the SVG and written to the GeoJSON; none when <see langword="null"/>.</summary>
    public string? Title { get; set; }

    /// <summary>The legend's heading, e.g. <c>Sales (PHP)</c>.</summary>
    /// <value>Default <c>Value</c>.</value>
    public string LegendTitle { get; set; } = "Value";

    /// <summary>The number of classes, 1 to 12 (fewer are drawn when the data has fewer distinct values).</summary>
    /// <value>Default 5.</value>
    public int Classes { get; set; } = 5;

    /// <summary>How values are split into classes.</summary>
    /// <value>Default <see cref="ClassificationMethod.Quantile"/>.</value>
    public ClassificationMethod Method { get; set; } = ClassificationMethod.Quantile;

    /// <summary>The colour stops (<c>#rrggbb</c>, lightest first, at least two) the class colours are spread along.</summary>
    /// <value>Default: light yellow, orange, red, dark red.</value>
    public IReadOnlyList<string> Palette { get; set; } = Lakehouse.Geo.Palette.DefaultStops;

    /// <summary>The fill of areas without a value (also their legend swatch).</summary>
    /// <value>Default <c>#d0d0d0</c>.</value>
    public string NoDataColor { get; set; } = "#d0d0d0";

    /// <summary>The colour of the borders drawn around every area.</summary>
    /// <value>Default <c>#ffffff</c>.</value>
    public string StrokeColor { get; set; } = "#ffffff";

    /// <summary>The border width in SVG pixels.</summary>
    /// <value>Default 0.6.</value>
    public double StrokeWidth { get; set; } = 0.6;

    /// <summary>The SVG's width in pixels; the map is fitted beside a legend column 230 pixels wide.</summary>
    /// <value>Default 760.</value>
    public int Width { get; set; } = 760;

    /// <summary>The SVG's height in pixels.</summary>
    /// <value>Default 960.</value>
    public int Height { get; set; } = 960;

    /// <summary>A .NET numeric format string (invariant culture) for values in the legend and tooltips.</summary>
    /// <value>Default <c>#,0.##</c>.</value>
    public string ValueFormat { get; set; } = "#,0.##";

    /// <summary>A credit line drawn at the bottom of the SVG; none when <see langword="null"/>.</summary>
    /// <value>Default <see cref="PhilippineBoundaries.Credit"/>.</value>
    public string? Credit { get; set; } = PhilippineBoundaries.Credit;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Classes, 1, nameof(Classes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Classes, 12, nameof(Classes));
        ArgumentOutOfRangeException.ThrowIfLessThan(Width, 400, nameof(Width));
        ArgumentOutOfRangeException.ThrowIfLessThan(Height, 300, nameof(Height));
        ArgumentOutOfRangeException.ThrowIfNegative(StrokeWidth, nameof(StrokeWidth));
        if (Palette is null || Palette.Count < 2 || !Palette.All(Lakehouse.Geo.Palette.IsColour))
        {
            throw new ArgumentException("Palette needs at least two #rrggbb colours.", nameof(Palette));
        }

        if (!Lakehouse.Geo.Palette.IsColour(NoDataColor) || !Lakehouse.Geo.Palette.IsColour(StrokeColor))
        {
            throw new ArgumentException("NoDataColor and StrokeColor must be #rrggbb colours.", nameof(NoDataColor));
        }
    }
}
