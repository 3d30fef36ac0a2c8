namespace Lakehouse.Medallion;

/// <summary>
/// The snapshot's canonical orders, fast: strings become their rank in ordinal order (so comparing ranks compares the
/// strings), and rows are sorted by one 128-bit key of up to three 32-bit parts plus the row's input position — the
/// same order a stable <c>OrderBy(…, StringComparer.Ordinal).ThenBy(…)</c> gives, without a comparer call per step.
/// </summary>
internal static class CanonicalOrder
{
    /// <summary>The rank of each distinct non-null string in ordinal order, from 1 (0 stands for null).</summary>
    public static Dictionary<string, uint> Ranks(IEnumerable<string?> values)
    {
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        foreach (string? value in values)
        {
            if (value is not null)
            {
                distinct.Add(value);
            }
        }

        string[] sorted = [.. distinct];
        Array.Sort(sorted, StringComparer.Ordinal);
        var ranks = new Dictionary<string, uint>(sorted.Length, StringComparer.Ordinal);
        for (int i = 0; i < sorted.Length; i++)
        {
            ranks[sorted[i]] = (uint)i + 1;
        }

        return ranks;
    }

    /// <summary>The rank of <paramref name="value"/> in <paramref name="ranks"/> (0 for null).</summary>
    public static uint Rank(Dictionary<string, uint> ranks, string? value) => value is null ? 0 : ranks[value];

    /// <summary>A day as a key part (days keep their order).</summary>
    public static uint Day(DateOnly date) => (uint)date.DayNumber;

    /// <summary>The rows ordered by up to three strings (ordinal, null first), ties in input order: for keys with many distinct values, where ranking them costs more than comparing.</summary>
    public static List<T> SortByStrings<T>(IEnumerable<T> source, Func<T, string?> first, Func<T, string?> second, Func<T, string?>? third = null)
    {
        T[] items = [.. source];
        var a = new string?[items.Length];
        var b = new string?[items.Length];
        string?[]? c = third is null ? null : new string?[items.Length];
        var index = new int[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            (a[i], b[i], index[i]) = (first(items[i]), second(items[i]), i);
            if (c is not null)
            {
                c[i] = third!(items[i]);
            }
        }

        Array.Sort(index, (x, y) =>
        {
            int order = string.CompareOrdinal(a[x], a[y]);
            order = order != 0 ? order : string.CompareOrdinal(b[x], b[y]);
            order = order != 0 || c is null ? order : string.CompareOrdinal(c[x], c[y]);
            return order != 0 ? order : x.CompareTo(y);
        });
        var sorted = new List<T>(items.Length);
        foreach (int i in index)
        {
            sorted.Add(items[i]);
        }

        return sorted;
    }

    /// <summary>The rows ordered by (first, second, third), ties in input order.</summary>
    public static List<T> Sort<T>(IEnumerable<T> source, Func<T, uint> first, Func<T, uint> second, Func<T, uint> third)
    {
        T[] items = [.. source];
        var keys = new UInt128[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            T item = items[i];
            keys[i] = new UInt128(((ulong)first(item) << 32) | second(item), ((ulong)third(item) << 32) | (uint)i);
        }

        Array.Sort(keys, items);
        return [.. items];
    }
}
