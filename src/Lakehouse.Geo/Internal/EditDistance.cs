namespace Lakehouse.Geo;

/// <summary>Optimal-string-alignment (restricted Damerau–Levenshtein) distance with a cut-off.</summary>
internal static class EditDistance
{
    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> are at most <paramref name="max"/> edits apart (insert, delete, substitute, swap adjacent).</summary>
    public static bool Within(ReadOnlySpan<char> a, ReadOnlySpan<char> b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max)
        {
            return false;
        }

        return max switch
        {
            0 => a.SequenceEqual(b),
            1 => WithinOne(a, b),
            _ => Distance(a, b, max) <= max,
        };
    }

    /// <summary>Distance at most one, in one pass and without allocating: equal, one substitution, one adjacent swap, or one letter more or less.</summary>
    public static bool WithinOne(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.Length < b.Length)
        {
            ReadOnlySpan<char> shorter = a;
            a = b;
            b = shorter;
        }

        int i = a.CommonPrefixLength(b);
        if (a.Length == b.Length)
        {
            return i == a.Length
                || a[(i + 1)..].SequenceEqual(b[(i + 1)..])
                || (i + 1 < a.Length && a[i] == b[i + 1] && a[i + 1] == b[i] && a[(i + 2)..].SequenceEqual(b[(i + 2)..]));
        }

        return a.Length == b.Length + 1 && a[(i + 1)..].SequenceEqual(b[i..]);
    }

    /// <summary>The distance, or a value above <paramref name="max"/> as soon as it is certain to exceed it.</summary>
    public static int Distance(ReadOnlySpan<char> a, ReadOnlySpan<char> b, int max)
    {
        int n = a.Length;
        int m = b.Length;
        Span<int> rows = m < 128 ? stackalloc int[3 * (m + 1)] : new int[3 * (m + 1)];
        Span<int> prev2 = rows[..(m + 1)];
        Span<int> prev = rows.Slice(m + 1, m + 1);
        Span<int> cur = rows.Slice(2 * (m + 1), m + 1);
        for (int j = 0; j <= m; j++)
        {
            prev[j] = j;
        }

        for (int i = 1; i <= n; i++)
        {
            cur[0] = i;
            int rowMin = cur[0];
            for (int j = 1; j <= m; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int v = Math.Min(Math.Min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    v = Math.Min(v, prev2[j - 2] + 1);
                }

                cur[j] = v;
                rowMin = Math.Min(rowMin, v);
            }

            if (rowMin > max)
            {
                return max + 1;
            }

            Span<int> oldest = prev2;
            prev2 = prev;
            prev = cur;
            cur = oldest;
        }

        return prev[m];
    }
}
