namespace Lakehouse.Ingest.Tests;

public sealed class DedupWindowTests
{
    private static byte[] Hash(int i)
    {
        byte[] h = new byte[32];
        BitConverter.TryWriteBytes(h, i);
        return h;
    }

    [Fact]
    public void TryAdd_replay_inside_window_is_refused_and_oldest_is_forgotten_first()
    {
        var window = new DedupWindow(3);
        Assert.True(window.TryAdd("1"u8, Hash(1)));
        Assert.False(window.TryAdd("1"u8, Hash(1)));
        Assert.True(window.TryAdd("2"u8, Hash(1))); // other store, same hash: another key
        Assert.True(window.TryAdd("1"u8, Hash(2)));
        Assert.True(window.TryAdd("1"u8, Hash(3))); // evicts ("1", 1)

        Assert.Equal(3, window.Count);
        Assert.True(window.TryAdd("1"u8, Hash(1)));
        Assert.False(window.TryAdd("1"u8, Hash(3)));
    }

    [Fact]
    public void FromOptions_takes_the_smaller_of_entries_and_memory_cap()
    {
        Assert.Equal(100, DedupWindow.FromOptions(new IngestOptions { DedupWindowMaxEntries = 1000, DedupWindowMaxBytes = 6400 })!.Capacity);
        Assert.Equal(10, DedupWindow.FromOptions(new IngestOptions { DedupWindowMaxEntries = 10 })!.Capacity);
        Assert.Null(DedupWindow.FromOptions(new IngestOptions { DedupWindowMaxEntries = 0 }));
    }
}
