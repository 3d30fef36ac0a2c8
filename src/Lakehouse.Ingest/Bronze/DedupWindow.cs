using System.Buffers.Binary;

namespace Lakehouse.Ingest;

/// <summary>
/// A bounded, thread-safe memory of recently seen events keyed by (<c>store_id</c>, event hash), which drops
/// replays before they reach the database. When full, the oldest entry is forgotten first. The database's unique
/// key stays the final word: a replay older than the window is still caught there.
/// </summary>
public sealed class DedupWindow
{
    /// <summary>The approximate memory one entry costs (key, ring slot, set bookkeeping), used by <see cref="FromOptions"/>.</summary>
    public const int BytesPerEntry = 64;

    private readonly Key[] _ring;
    private readonly HashSet<Key> _set;
    private readonly Lock _lock = new();
    private int _next;
    private int _count;

    /// <summary>A window of at most <paramref name="capacity"/> entries.</summary>
    /// <param name="capacity">The most entries remembered; at least 1.</param>
    public DedupWindow(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new Key[capacity];
        _set = new HashSet<Key>(capacity);
    }

    /// <summary>The most entries remembered.</summary>
    public int Capacity => _ring.Length;

    /// <summary>The entries remembered now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>The window <paramref name="options"/> ask for, or <see langword="null"/> when they turn it off.</summary>
    /// <param name="options">Uses <see cref="IngestOptions.DedupWindowMaxEntries"/> and <see cref="IngestOptions.DedupWindowMaxBytes"/>.</param>
    /// <returns>A window, or <see langword="null"/>.</returns>
    public static DedupWindow? FromOptions(IngestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        long capacity = Math.Min(options.DedupWindowMaxEntries, options.DedupWindowMaxBytes / BytesPerEntry);
        return capacity < 1 ? null : new DedupWindow((int)capacity);
    }

    /// <summary>Remembers an event; returns <see langword="false"/> when it is already remembered (a replay).</summary>
    /// <param name="storeId">The event's <c>store_id</c> (UTF-8).</param>
    /// <param name="eventHash">The event's 32-byte hash.</param>
    /// <returns><see langword="true"/> when the event is new to the window.</returns>
    public bool TryAdd(ReadOnlySpan<byte> storeId, ReadOnlySpan<byte> eventHash)
    {
        Key key = MakeKey(storeId, eventHash);
        lock (_lock)
        {
            if (!_set.Add(key))
            {
                return false;
            }

            if (_count == _ring.Length)
            {
                _set.Remove(_ring[_next]);
            }
            else
            {
                _count++;
            }

            _ring[_next] = key;
            _next = (_next + 1) % _ring.Length;
            return true;
        }
    }

    /// <summary>True when the event is remembered (a replay), without remembering it.</summary>
    internal bool Contains(ReadOnlySpan<byte> storeId, ReadOnlySpan<byte> eventHash)
    {
        Key key = MakeKey(storeId, eventHash);
        lock (_lock)
        {
            return _set.Contains(key);
        }
    }

    private static Key MakeKey(ReadOnlySpan<byte> storeId, ReadOnlySpan<byte> eventHash)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(eventHash.Length, EventHasher.HashSizeInBytes, nameof(eventHash));
        var hash = new HashCode();
        hash.AddBytes(storeId);
        return new Key(
            BinaryPrimitives.ReadUInt64LittleEndian(eventHash),
            BinaryPrimitives.ReadUInt64LittleEndian(eventHash[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(eventHash[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(eventHash[24..]),
            hash.ToHashCode(),
            storeId.Length);
    }

    /// <summary>Forgets everything.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _set.Clear();
            _count = 0;
            _next = 0;
        }
    }

    // The store id enters as a hash and a length: the event hash covers the whole event, store_id included, so
    // the pair only guards against a SHA-256 collision across stores.
    private readonly record struct Key(ulong H0, ulong H1, ulong H2, ulong H3, int StoreHash, int StoreLength);
}
