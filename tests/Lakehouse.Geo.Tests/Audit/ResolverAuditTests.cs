using Xunit.Abstractions;

namespace Lakehouse.Geo.Tests.Audit;

/// <summary>
/// Runs the generated audit (every region, province, city and municipality of the PSGC tables in many spellings, with
/// typos, stale regions, wrong provinces, placeholders and places abroad) and requires every answer to follow the
/// DESIGN.md "Place resolution" rule its case was generated for.
/// </summary>
public sealed class ResolverAuditTests(ITestOutputHelper output)
{
    private static readonly PsgcResolver s_resolver = new(new GeoOptions { CacheSize = 0 });
    private static readonly Lazy<ILookup<string, AuditCase>> s_cases = new(() => ResolverAudit.Generate().ToLookup(c => c.Rule));

    public static TheoryData<string> Rules()
    {
        var data = new TheoryData<string>();
        foreach (string rule in s_cases.Value.Select(g => g.Key).Order(StringComparer.Ordinal))
        {
            data.Add(rule);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void Resolve_generated_cases_of_each_rule_all_follow_the_rule(string rule)
    {
        AuditCase[] cases = [.. s_cases.Value[rule]];
        List<string> failures = [.. cases.Select(c => ResolverAudit.Check(c, c.Run(s_resolver))).OfType<string>()];
        output.WriteLine($"{rule}: {cases.Length - failures.Count}/{cases.Length} right");
        Assert.True(cases.Length > 0);
        Assert.True(failures.Count == 0, $"{failures.Count}/{cases.Length} wrong:\n" + string.Join('\n', failures.Take(20)));
    }

    [Fact]
    public void Generate_covers_every_rule_of_design_md()
    {
        string[] rules = [.. s_cases.Value.Select(g => g.Key)];
        foreach (string prefix in (string[])["R1-", "R2-", "R3-", "R4-", "R5-", "B-"])
        {
            Assert.Contains(rules, r => r.StartsWith(prefix, StringComparison.Ordinal));
        }

        Assert.True(s_cases.Value.Sum(g => g.Count()) > 30_000);
    }
}
