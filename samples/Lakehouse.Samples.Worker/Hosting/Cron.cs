using Cronos;

namespace Lakehouse.Samples.Worker;

/// <summary>Parses cron expressions of 5 fields (minutes) or 6 (with seconds first).</summary>
internal static class Cron
{
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CronExpression? expression)
    {
        expression = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        int fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        CronFormat format = fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        return CronExpression.TryParse(text.Trim(), format, out expression);
    }

    public static CronExpression Parse(string text) =>
        TryParse(text, out CronExpression? expression) ? expression : throw new FormatException($"'{text}' is not a cron expression");
}
