using System.Globalization;
using System.Text;

namespace Lakehouse.Geo;

/// <summary>
/// Reads a metric for <see cref="Choropleth.Create"/> from CSV with a header naming the columns <c>code</c> and
/// <c>value</c> (in any order, any case; other columns ignored): <c>code</c> a PSGC code or a place name, <c>value</c> an
/// invariant-culture number (<c>1234.5</c>, <c>1,234.5</c>, <c>1.2e3</c>). Fields may be double-quoted (RFC 4180).
/// </summary>
/// <remarks>A small reader of its own rather than CsvHelper: two columns, and the library stays free of that dependency.</remarks>
public static class MetricCsv
{
    /// <summary>Reads every row; a row without a code or with a value that is not a number is skipped with a warning.</summary>
    /// <param name="reader">The CSV text; read to the end, not disposed.</param>
    /// <param name="warnings">Receives one message per skipped row (<c>line 7: …</c>).</param>
    /// <returns>The (code, value) pairs in file order.</returns>
    /// <exception cref="InvalidDataException">The header has no <c>code</c> or no <c>value</c> column.</exception>
    public static IReadOnlyList<KeyValuePair<string, decimal>> Read(TextReader reader, ICollection<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(warnings);
        string? header = reader.ReadLine();
        if (header is null)
        {
            throw new InvalidDataException("The metric CSV is empty; it needs a header 'code,value'.");
        }

        List<string> names = Split(header.TrimStart('\uFEFF'));
        int code = names.FindIndex(static n => n.Trim().Equals("code", StringComparison.OrdinalIgnoreCase));
        int value = names.FindIndex(static n => n.Trim().Equals("value", StringComparison.OrdinalIgnoreCase));
        if (code < 0 || value < 0)
        {
            throw new InvalidDataException($"The metric CSV's header '{header}' needs the columns 'code' and 'value'.");
        }

        var rows = new List<KeyValuePair<string, decimal>>();
        int line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Trim().Length == 0)
            {
                continue;
            }

            List<string> fields = Split(text);
            string c = code < fields.Count ? fields[code].Trim() : "";
            string v = value < fields.Count ? fields[value].Trim() : "";
            if (c.Length == 0)
            {
                warnings.Add(string.Create(CultureInfo.InvariantCulture, $"line {line}: no code; row skipped"));
            }
            else if (!decimal.TryParse(v, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out decimal number))
            {
                warnings.Add(string.Create(CultureInfo.InvariantCulture, $"line {line}: value '{v}' of '{c}' is not a number; row skipped"));
            }
            else
            {
                rows.Add(new KeyValuePair<string, decimal>(c, number));
            }
        }

        return rows;
    }

    private static List<string> Split(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(ch);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }
}
