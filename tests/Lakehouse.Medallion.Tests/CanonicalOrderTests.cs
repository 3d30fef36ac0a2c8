using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Lakehouse.Medallion.Tests;

public sealed class CanonicalOrderTests
{
    [Property(MaxTest = 100)]
    public Property Sort_by_ranks_equals_a_stable_ordinal_OrderBy_ThenBy_with_ties_and_nulls(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        string?[] pool = [null, "", "a", "A", "b", "B1", "B10", "B2", "é", "e\u0301", "Z", "zz"];
        var rows = Enumerable.Range(0, random.Next(0, 200))
            .Select(i => (First: pool[random.Next(pool.Length)], Day: new DateOnly(2026, 11, 1).AddDays(random.Next(0, 4)), Second: pool[random.Next(pool.Length)], Position: i))
            .ToList();

        List<(string? First, DateOnly Day, string? Second, int Position)> expected =
            [.. rows.OrderBy(r => r.First, StringComparer.Ordinal).ThenBy(r => r.Day).ThenBy(r => r.Second, StringComparer.Ordinal)];
        Dictionary<string, uint> first = CanonicalOrder.Ranks(rows.Select(r => r.First));
        Dictionary<string, uint> second = CanonicalOrder.Ranks(rows.Select(r => r.Second));
        List<(string? First, DateOnly Day, string? Second, int Position)> actual = CanonicalOrder.Sort(rows,
            r => CanonicalOrder.Rank(first, r.First), r => CanonicalOrder.Day(r.Day), r => CanonicalOrder.Rank(second, r.Second));

        List<(string? First, DateOnly Day, string? Second, int Position)> byStrings =
            CanonicalOrder.SortByStrings(rows, r => r.First, r => r.Day.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), r => r.Second);

        return (expected.SequenceEqual(actual) && expected.SequenceEqual(byStrings)).Label("same order, ties in input order");
    }
}
