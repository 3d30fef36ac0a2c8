namespace Lakehouse.Samples.Worker;

/// <summary>Exponential delay: <c>base · 2^(attempt − 1)</c>, capped.</summary>
internal static class Backoff
{
    public static TimeSpan Delay(TimeSpan baseDelay, TimeSpan maxDelay, int attempt)
    {
        double factor = Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        double ticks = Math.Min(baseDelay.Ticks * factor, maxDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
