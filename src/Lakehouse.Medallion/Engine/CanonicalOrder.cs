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
