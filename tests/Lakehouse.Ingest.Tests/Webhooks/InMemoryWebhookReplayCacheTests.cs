namespace Lakehouse.Ingest.Tests;

public sealed class InMemoryWebhookReplayCacheTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_763_900_000);
    private static readonly TimeSpan Retention = TimeSpan.FromMinutes(10);

    private static byte[] Id(byte seed)
    {
        byte[] id = new byte[32];
        id[0] = seed;
        id[31] = (byte)~seed;
        return id;
    }

    [Fact]
    public void TryRecord_same_identity_twice_second_is_false()
    {
        var cache = new InMemoryWebhookReplayCache();

        Assert.True(cache.TryRecord(Id(1), T0, Retention));
        Assert.False(cache.TryRecord(Id(1), T0.AddSeconds(1), Retention));
        Assert.True(cache.TryRecord(Id(2), T0.AddSeconds(1), Retention));
    }

    [Fact]
    public void TryRecord_after_retention_identity_is_forgotten()
    {
        var cache = new InMemoryWebhookReplayCache();

        Assert.True(cache.TryRecord(Id(1), T0, Retention));
        Assert.False(cache.TryRecord(Id(1), T0 + Retention - TimeSpan.FromTicks(1), Retention));
        Assert.True(cache.TryRecord(Id(1), T0 + Retention, Retention));
        Assert.False(cache.TryRecord(Id(1), T0 + Retention + TimeSpan.FromSeconds(1), Retention));
    }

    [Fact]
    public void TryRecord_expired_entries_are_purged()
    {
        var cache = new InMemoryWebhookReplayCache();
        for (byte i = 0; i < 10; i++)
        {
            cache.TryRecord(Id(i), T0, Retention);
        }

        Assert.Equal(10, cache.Count);
        cache.TryRecord(Id(100), T0 + Retention, Retention);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void TryRecord_at_capacity_drops_oldest()
    {
        var cache = new InMemoryWebhookReplayCache(capacity: 3);
        for (byte i = 1; i <= 4; i++)
        {
            Assert.True(cache.TryRecord(Id(i), T0.AddSeconds(i), Retention));
        }

        Assert.Equal(3, cache.Count);
        Assert.False(cache.TryRecord(Id(4), T0.AddSeconds(5), Retention));
        Assert.False(cache.TryRecord(Id(2), T0.AddSeconds(5), Retention));
        Assert.True(cache.TryRecord(Id(1), T0.AddSeconds(5), Retention)); // the oldest was dropped
    }

    [Fact]
    public void TryRecord_wrong_identity_length_throws()
    {
        var cache = new InMemoryWebhookReplayCache();

        Assert.Throws<ArgumentException>(() => cache.TryRecord(new byte[31], T0, Retention));
    }

    [Fact]
    public void TryRecord_concurrent_same_identity_exactly_one_true()
    {
        var cache = new InMemoryWebhookReplayCache();
        int recorded = 0;
        Parallel.For(0, 64, _ =>
        {
            if (cache.TryRecord(Id(9), T0, Retention))
            {
                Interlocked.Increment(ref recorded);
            }
        });

        Assert.Equal(1, recorded);
    }
}
