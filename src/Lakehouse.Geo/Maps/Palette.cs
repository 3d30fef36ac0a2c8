using System.Globalization;

namespace Lakehouse.Geo;

/// <summary>Sequential colour ramps: <c>k</c> colours spread evenly along a list of <c>#rrggbb</c> stops.</summary>
internal static class Palette
{
    /// <summary>The default ramp, light yellow through orange to dark red (chosen for this package).</summary>
    public static readonly IReadOnlyList<string> DefaultStops = ["#fff3c4", "#fcb861", "#ec6a35", "#b3202a", "#5c0a1e"];

    public static string[] Ramp(IReadOnlyList<string> stops, int count)
    {
        if (count <= 0)
        {
            return [];
        }

        (double R, double G, double B)[] rgb = stops.Select(Parse).ToArray();
        var colours = new string[count];
        for (int i = 0; i < count; i++)
        {
            // One class takes the middle of the ramp; more spread from the lightest stop to the darkest.
            double t = count == 1 ? 0.5 : i / (double)(count - 1);
            double position = t * (rgb.Length - 1);
            int at = Math.Min((int)position, rgb.Length - 2);
            double f = position - at;
            (double r0, double g0, double b0) = rgb[at];
            (double r1, double g1, double b1) = rgb[at + 1];
            colours[i] = Format(r0 + ((r1 - r0) * f), g0 + ((g1 - g0) * f), b0 + ((b1 - b0) * f));
        }

        return colours;
    }

    public static bool IsColour(string? value) =>
        value is { Length: 7 } && value[0] == '#' && int.TryParse(value.AsSpan(1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _);

    private static (double, double, double) Parse(string colour)
    {
        if (!IsColour(colour))
        {
            throw new ArgumentException($"'{colour}' is not a #rrggbb colour.", nameof(colour));
        }

        int value = int.Parse(colour.AsSpan(1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        return ((value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff);
    }

    private static string Format(double r, double g, double b) => string.Create(CultureInfo.InvariantCulture,
        $"#{(int)Math.Round(r):x2}{(int)Math.Round(g):x2}{(int)Math.Round(b):x2}");
}
