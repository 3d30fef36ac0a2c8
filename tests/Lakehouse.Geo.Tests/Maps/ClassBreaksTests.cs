using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Lakehouse.Geo.Tests.Maps;

public sealed class ClassBreaksTests
{
    [Fact]
    public void Compute_quantiles_of_ten_values_in_five_classes_gives_every_second_value()
    {
        decimal[] values = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];

        Assert.Equal([2m, 4m, 6m, 8m, 10m], ClassBreaks.Compute(values, 5, ClassificationMethod.Quantile));
    }

    [Fact]
    public void Compute_jenks_of_three_clusters_breaks_in_the_gaps()
    {
        decimal[] values = [1, 2, 3, 10, 11, 12, 20, 21, 22];

        Assert.Equal([3m, 12m, 22m], ClassBreaks.Compute(values, 3, ClassificationMethod.Jenks));
        Assert.Equal([1m, 2m, 3m, 10m, 11m, 12m, 20m, 21m, 22m], ClassBreaks.Compute(values, 12, ClassificationMethod.Jenks));
    }

    [Theory]
    [InlineData(ClassificationMethod.Quantile)]
    [InlineData(ClassificationMethod.Jenks)]
    public void Compute_fewer_distinct_values_than_classes_gives_one_class_per_value(ClassificationMethod method)
    {
        Assert.Equal([4m, 7m], ClassBreaks.Compute([7, 4, 7, 4, 4], 5, method));
        Assert.Equal([3m], ClassBreaks.Compute([3, 3, 3], 5, method));
        Assert.Empty(ClassBreaks.Compute([], 5, method));
    }

    [Property(MaxTest = 300)]
    public Property Compute_bounds_are_ascending_data_values_ending_at_the_maximum(int[] raw, PositiveInt k, bool jenks)
    {
        decimal[] values = raw.Select(v => (decimal)(v % 1000) / 4).ToArray();
        int classes = (k.Get % 12) + 1;
        decimal[] bounds = ClassBreaks.Compute(values, classes, jenks ? ClassificationMethod.Jenks : ClassificationMethod.Quantile);

        if (values.Length == 0)
        {
            return (bounds.Length == 0).ToProperty();
        }

        int distinct = values.Distinct().Count();
        bool ascending = bounds.Zip(bounds.Skip(1), (a, b) => a < b).All(x => x);
        bool ok = ascending && bounds[^1] == values.Max() && bounds.All(values.Contains) && bounds.Length <= Math.Min(classes, distinct)
            && (!jenks || bounds.Length == Math.Min(classes, distinct));
        return ok.Label($"bounds [{string.Join(", ", bounds)}] for k={classes}");
    }

    [Property(MaxTest = 200)]
    public Property Compute_jenks_is_the_least_squared_deviation_split(int[] raw, bool three)
    {
        decimal[] values = raw.Take(8).Select(v => (decimal)(v % 50)).ToArray();
        int classes = three ? 3 : 2;
        if (values.Distinct().Count() < classes)
        {
            return true.ToProperty();
        }

        decimal[] bounds = ClassBreaks.Compute(values, classes, ClassificationMethod.Jenks);
        double jenks = Cost(values, bounds);
        double best = BestCost(values.Order().ToArray(), classes);
        return (Math.Abs(jenks - best) < 1e-6).Label($"jenks {jenks} vs best {best}");
    }

    private static double Cost(decimal[] values, decimal[] bounds)
    {
        double total = 0;
        decimal lower = decimal.MinValue;
        foreach (decimal upper in bounds)
        {
            double[] members = values.Where(v => v > lower && v <= upper).Select(v => (double)v).ToArray();
            double mean = members.Average();
            total += members.Sum(m => (m - mean) * (m - mean));
            lower = upper;
        }

        return total;
    }

    private static double BestCost(decimal[] sorted, int classes)
    {
        // Every choice of bounds among the distinct values, by brute force.
        decimal[] distinct = sorted.Distinct().ToArray();
        double best = double.PositiveInfinity;
        foreach (decimal[] inner in Choose(distinct[..^1], classes - 1))
        {
            best = Math.Min(best, Cost(sorted, [.. inner, distinct[^1]]));
        }

        return best;
    }

    private static IEnumerable<decimal[]> Choose(decimal[] items, int count)
    {
        if (count == 0)
        {
            yield return [];
            yield break;
        }

        for (int i = 0; i <= items.Length - count; i++)
        {
            foreach (decimal[] rest in Choose(items[(i + 1)..], count - 1))
            {
                yield return [items[i], .. rest];
            }
        }
    }
}
