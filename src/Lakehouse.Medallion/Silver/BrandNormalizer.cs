using System.Globalization;
using System.Text;

namespace Lakehouse.Medallion;

/// <summary>
/// Maps a typed brand to the spelling registered in <c>dim_product</c>: equal ignoring case, accents, spaces and
/// punctuation, or one typing error away when that leaves a single registered brand. Unknown brands are kept as
/// typed (trimmed). Only operator-registered products (with a name) define brands, so the answer does not depend
/// on which events arrived first.
/// </summary>
internal sealed class BrandNormalizer
{
    private readonly Dictionary<string, string> _byKey = new(StringComparer.Ordinal);

    public BrandNormalizer(IEnumerable<string> registeredBrands)
    {
        foreach (string brand in registeredBrands)
        {
            string key = Key(brand);
            if (key.Length > 0)
            {
                _byKey.TryAdd(key, brand);
            }
        }
    }

    public string? Normalize(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed))
        {
            return null;
        }

        string key = Key(typed);
        if (_byKey.TryGetValue(key, out string? exact))
        {
            return exact;
        }

        if (key.Length >= 4)
        {
            string? single = null;
            foreach ((string candidate, string brand) in _byKey)
            {
                if (Math.Abs(candidate.Length - key.Length) <= 1 && WithinOneEdit(candidate, key))
                {
                    if (single is not null)
                    {
                        return typed.Trim();
                    }

                    single = brand;
                }
            }

            if (single is not null)
            {
                return single;
            }
        }

        return typed.Trim();
    }

    internal static string Key(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text.Normalize(NormalizationForm.FormD))
        {
            if (char.IsLetterOrDigit(c) && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    // Damerau–Levenshtein distance ≤ 1: one insertion, deletion, substitution or adjacent swap.
    internal static bool WithinOneEdit(string a, string b)
    {
        if (a.Length == b.Length)
        {
            int first = -1, diffs = 0;
            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    if (++diffs == 1)
                    {
                        first = i;
                    }
                    else if (diffs > 2)
                    {
                        return false;
                    }
                }
            }

            return diffs <= 1 || (diffs == 2 && first + 1 < a.Length && a[first] == b[first + 1] && a[first + 1] == b[first]);
        }

        string shorter = a.Length < b.Length ? a : b, longer = a.Length < b.Length ? b : a;
        int s = 0, l = 0;
        bool skipped = false;
        while (s < shorter.Length && l < longer.Length)
        {
            if (shorter[s] == longer[l])
            {
                s++;
                l++;
            }
            else if (skipped)
            {
                return false;
            }
            else
            {
                skipped = true;
                l++;
            }
        }

        return true;
    }
}
