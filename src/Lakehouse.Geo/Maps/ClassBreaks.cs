namespace Lakehouse.Geo;

/// <summary>Computes class upper bounds over a set of values; every bound is one of the values.</summary>
internal static class ClassBreaks
{
    /// <summary>
    /// The inclusive upper bound of each class, ascending and distinct; the last is the maximum.
    /// Fewer than <paramref name="classes"/> bounds when the values have fewer distinct members (or quantiles coincide).
    /// </summary>
    public static decimal[] Compute(IReadOnlyCollection<decimal> values, int classes, ClassificationMethod method)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        decimal[] sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return [];
        }

        int distinct = 1;
        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i] != sorted[i - 1])
            {
                distinct++;
            }
        }

        int k = Math.Min(classes, distinct);
        List<decimal> bounds = method switch
        {
            ClassificationMethod.Quantile => Quantiles(sorted, k),
            ClassificationMethod.Jenks => Jenks(sorted, k),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown classification method."),
        };
        bounds.Add(sorted[^1]);
        return bounds.Distinct().Order().ToArray();
    }

    private static List<decimal> Quantiles(decimal[] sorted, int k)
    {
        // Class j (1-based) ends at the value of rank ceil(j·n/k): each class gets n/k values, rounding up.
        var bounds = new List<decimal>(k);
        for (int j = 1; j < k; j++)
        {
            int rank = (int)Math.Ceiling(j * (double)sorted.Length / k);
            bounds.Add(sorted[Math.Clamp(rank, 1, sorted.Length) - 1]);
        }

        return bounds;
    }

    private static List<decimal> Jenks(decimal[] sorted, int k)
    {
        // Fisher's dynamic programme over the sorted values: cost[c][j] = the least total within-class sum of squared
        // deviations splitting values 0..j into c+1 classes; start[c][j] = where the last of those classes begins.
        // Runs of equal values are kept whole (a break never falls between two equal values) by splitting at distinct values only.
        int n = sorted.Length;
        double[] x = Array.ConvertAll(sorted, static v => (double)v);
        double[] sum = new double[n + 1];
        double[] sumSquares = new double[n + 1];
        for (int i = 0; i < n; i++)
        {
            sum[i + 1] = sum[i] + x[i];
            sumSquares[i + 1] = sumSquares[i] + (x[i] * x[i]);
        }

        double Ssd(int from, int to) // inclusive indices
        {
            int count = to - from + 1;
            double s = sum[to + 1] - sum[from];
            return Math.Max(0, sumSquares[to + 1] - sumSquares[from] - (s * s / count));
        }

        var cost = new double[k, n];
        var start = new int[k, n];
        for (int j = 0; j < n; j++)
        {
            cost[0, j] = Ssd(0, j);
        }

        for (int c = 1; c < k; c++)
        {
            for (int j = 0; j < n; j++)
            {
                cost[c, j] = double.PositiveInfinity;
                for (int i = c; i <= j; i++)
                {
                    if (x[i] == x[i - 1] || double.IsPositiveInfinity(cost[c - 1, i - 1]))
                    {
                        continue; // a class may not start inside a run of equal values
                    }

                    double candidate = cost[c - 1, i - 1] + Ssd(i, j);
                    if (candidate < cost[c, j])
                    {
                        cost[c, j] = candidate;
                        start[c, j] = i;
                    }
                }
            }
        }

        var bounds = new List<decimal>(k);
        int end = n - 1;
        for (int c = k - 1; c > 0; c--)
        {
            int s = start[c, end];
            bounds.Add(sorted[s - 1]);
            end = s - 1;
        }

        bounds.Reverse();
        return bounds;
    }
}
