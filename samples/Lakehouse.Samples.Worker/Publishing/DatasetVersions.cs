using System.Globalization;

namespace Lakehouse.Samples.Worker;

/// <summary>The version a scheduled publish gets: the configured one first, then the latest published with its patch bumped.</summary>
internal static class DatasetVersions
{
    public static bool TryParse(string? text, out (int Major, int Minor, int Patch) version)
    {
        version = default;
        string[] parts = text?.Split('.') ?? [];
        if (parts.Length != 3)
        {
            return false;
        }

        var numbers = new int[3];
        for (int i = 0; i < 3; i++)
        {
            if (parts[i].Length == 0 || (parts[i].Length > 1 && parts[i][0] == '0')
                || !int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return false;
            }
        }

        version = (numbers[0], numbers[1], numbers[2]);
        return true;
    }

    /// <summary>The configured version when nothing above it is published yet, else the latest with patch + 1.</summary>
    public static string Next(string configured, string? latest)
    {
        if (!TryParse(configured, out var first))
        {
            throw new FormatException($"'{configured}' is not a semantic version");
        }

        if (latest is null || !TryParse(latest, out var last) || first.CompareTo(last) > 0)
        {
            return configured;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{last.Major}.{last.Minor}.{last.Patch + 1}");
    }
}
