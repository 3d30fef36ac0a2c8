using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Lakehouse.Ingest.Tests.Hashing;
using Lakehouse.Testing;

namespace Lakehouse.Ingest.Tests.Contract;

/// <summary>
/// Differential stress test of the whole line path (<see cref="JsonlReader"/>: split, validate, hash) against a
/// real PostgreSQL 15: adversarial lines (<see cref="AdversarialLines"/>) are joined into one JSON Lines input with
/// LF and CRLF, blank lines and sometimes a BOM, and every line must be accepted exactly when PostgreSQL takes it as
/// jsonb and the jsonb value keeps the contract (<see cref="ContractOracle"/>), with PostgreSQL's hash, at its own
/// line number and byte offset, with a reason of the right family and a message that says where.
/// </summary>
public sealed class IngestContractDifferentialTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    private const int LinesPerCase = 60;

    [Property(MaxTest = 30)]
    public Property Read_adversarial_lines_agree_with_postgres_jsonb_and_the_contract() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed => { CheckSeed(seed); });

    [Fact]
    public void Read_adversarial_lines_fixed_seeds_agree_with_postgres_jsonb_and_the_contract()
    {
        // Fixed seeds so that a plain run always covers the same ground as well; the mix must exercise every outcome.
        var mix = new int[3];
        for (int seed = 1; seed <= 10; seed++)
        {
            int[] counts = CheckSeed(seed);
            for (int i = 0; i < mix.Length; i++)
            {
                mix[i] += counts[i];
            }
        }

        Assert.True(mix.All(n => n >= LinesPerCase), $"accepted {mix[0]}, broke a contract rule {mix[1]}, refused as JSON or jsonb {mix[2]}");
    }

    private int[] CheckSeed(int seed)
    {
        var random = new Random(seed);
        var generator = new AdversarialLines(random);
        List<byte[]> lines = Enumerable.Range(0, LinesPerCase).Select(_ => JsonTextGen.ToBytes(generator.Line())).ToList();

        // One JSON Lines input: a BOM now and then, LF or CRLF, blank and white-space-only lines in between.
        var input = new List<byte>();
        var expected = new List<(long Line, long Offset)>();
        long lineNumber = 0;
        if (random.Next(4) == 0)
        {
            input.AddRange("\uFEFF"u8.ToArray());
        }

        for (int i = 0; i < lines.Count; i++)
        {
            while (random.Next(8) == 0)
            {
                input.AddRange(Encoding.UTF8.GetBytes(random.Next(2) == 0 ? "\n" : " \t\r\n"));
                lineNumber++;
            }

            expected.Add((++lineNumber, input.Count));
            input.AddRange(lines[i]);
            if (i < lines.Count - 1 || random.Next(2) == 0)
            {
                input.AddRange(random.Next(3) == 0 ? "\r\n"u8.ToArray() : "\n"u8.ToArray());
            }
        }

        // Half the seeds with the default ceiling (the contract's "number >= 0", bounded by decimal), half with a business one.
        var options = new IngestOptions();
        if (seed % 2 == 0)
        {
            options.MaxPesoValue = 10_000_000m;
        }

        IReadOnlyList<(string? Text, string? Hash, bool Valid)> oracle = ContractOracle.Evaluate(db, lines, options.MaxPesoValue);
        var got = new List<(long Line, long Offset, bool Valid, string Hash, IngestError Error)>();
        using (JsonlReader reader = JsonlReader.Create(input.ToArray(), options))
        {
            while (reader.Read())
            {
                got.Add(reader.IsValid
                    ? (reader.LineNumber, reader.ByteOffset, true, Convert.ToHexStringLower(reader.Record.EventHash), default)
                    : (reader.LineNumber, reader.ByteOffset, false, "", reader.Error));
            }
        }

        Assert.Equal(lines.Count, got.Count);
        int[] counts = new int[3];
        for (int i = 0; i < lines.Count; i++)
        {
            string shown = $"seed {seed}, line {expected[i].Line}: {Show(lines[i])}";
            Assert.True(expected[i] == (got[i].Line, got[i].Offset), $"{shown}: reported at line {got[i].Line}, byte {got[i].Offset}");
            (string? text, string? hash, bool valid) = oracle[i];
            IngestError error = got[i].Error;
            if (valid)
            {
                Assert.True(got[i].Valid, $"{shown}: rejected ({error.Reason} {error.Field}: {error.Message}) though PostgreSQL's jsonb {text} keeps the contract");
                Assert.True(hash == got[i].Hash, $"{shown}: hash {got[i].Hash}, PostgreSQL {hash} of {text}");
                counts[0]++;
                continue;
            }

            Assert.False(got[i].Valid, $"{shown}: accepted, but " + (text is null ? "PostgreSQL refuses it as jsonb" : $"its jsonb {text} breaks the contract"));
            bool syntaxOrJsonb = error.Reason is IngestErrorReason.InvalidJson or IngestErrorReason.RejectedByJsonb;
            Assert.True(syntaxOrJsonb == (text is null), $"{shown}: reason {error.Reason} ({error.Message}) but PostgreSQL jsonb gave {text ?? "an error"}");
            string where = string.Create(CultureInfo.InvariantCulture, $"line {expected[i].Line}");
            Assert.True(error.Message.Contains(where, StringComparison.Ordinal) && error.Message.Contains("byte", StringComparison.Ordinal),
                $"{shown}: message does not say where: {error.Message}");
            counts[text is null ? 2 : 1]++;
        }

        return counts;
    }

    private static string Show(byte[] line) =>
        line.Length > 400 ? $"{line.Length} bytes starting {Encoding.UTF8.GetString(line, 0, 120)}" : Encoding.UTF8.GetString(line) + " [" + Convert.ToHexString(line) + "]";
}
