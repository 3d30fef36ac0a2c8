using System.Globalization;
using System.Text;

namespace Lakehouse.Geo;

/// <summary>Maps a metric's codes or names to the codes a <see cref="Choropleth"/> colours by.</summary>
internal sealed class MetricMatcher
{
    private readonly HashSet<string> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BoundaryFeature> _insideComposite = new(StringComparer.Ordinal);
    private readonly BoundaryLevel _level;

    public MetricMatcher(BoundarySet boundaries)
    {
        _level = boundaries.Level;
        foreach (BoundaryFeature feature in boundaries)
        {
            _codes.Add(feature.Key);
            AddName(feature.Name, feature.Key);
            if (feature.ShortName is not null)
            {
                AddName(feature.ShortName, feature.Key);
            }

            if (feature.ProvinceCode is not null)
            {
                _codes.Add(feature.ProvinceCode);
            }

            if (feature.Kind == "province-composite")
            {
                foreach (string covered in feature.Covers)
                {
                    _insideComposite[covered] = feature;
                }
            }

            if (_level == BoundaryLevel.Province && feature.ProvinceCode is null && feature.PsgcCode is not null && feature.RegionCode == "1300000000")
            {
                _codes.Add("1300000000");
                AddName("NCR", "1300000000");
                AddName("Metro Manila", "1300000000");
                AddName("National Capital Region", "1300000000");
            }
        }

        // A province whose own polygon exists is known by its feature's name; cities rolled up also by their province's.
        foreach (BoundaryFeature feature in boundaries)
        {
            if (feature.Kind == "province" && feature.PsgcCode is not null)
            {
                _names[Normalize(feature.Name)] = feature.PsgcCode;
            }
        }
    }

    /// <summary>The code to colour by, or <see langword="null"/> with the reason.</summary>
    public string? Match(string given, out string? why)
    {
        string trimmed = given.Trim();
        string code = trimmed.Length == 9 && trimmed.All(char.IsAsciiDigit) ? "0" + trimmed : trimmed;
        why = null;
        if (_codes.Contains(code))
        {
            return code;
        }

        if (_names.TryGetValue(Normalize(trimmed), out string? byName))
        {
            return byName;
        }

        if (_insideComposite.TryGetValue(code, out BoundaryFeature? composite))
        {
            why = $"'{given}' has no polygon of its own: it is drawn inside '{composite.Name}', which takes only a value given for '{composite.Key}'.";
            return null;
        }

        why = $"'{given}' is not a PSGC code or name of the {_level.ToString().ToLowerInvariant()} map.";
        return null;
    }

    private void AddName(string name, string code) => _names.TryAdd(Normalize(name), code);

    private static string Normalize(string name)
    {
        // Case, accents (ñ → n), punctuation and runs of spaces do not matter.
        string decomposed = name.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        bool space = false;
        foreach (char c in decomposed)
        {
            if (char.IsLetterOrDigit(c))
            {
                if (space && builder.Length > 0)
                {
                    builder.Append(' ');
                }

                builder.Append(char.ToLowerInvariant(c));
                space = false;
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                space = true;
            }
        }

        return builder.ToString();
    }
}
