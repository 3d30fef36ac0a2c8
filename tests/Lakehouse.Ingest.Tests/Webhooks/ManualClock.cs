namespace Lakehouse.Ingest.Tests;

/// <summary>A clock the test sets by hand.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public ManualClock(long unixSeconds)
        : this(DateTimeOffset.FromUnixTimeSeconds(unixSeconds))
    {
    }

    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void SetUnixSeconds(long seconds) => Now = DateTimeOffset.FromUnixTimeSeconds(seconds);

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>A replay cache that remembers nothing, to measure verification alone.</summary>
internal sealed class NoReplayCache : IWebhookReplayCache
{
    public int Calls { get; private set; }

    public bool TryRecord(ReadOnlySpan<byte> identity, DateTimeOffset now, TimeSpan retention)
    {
        Calls++;
        return true;
    }
}
