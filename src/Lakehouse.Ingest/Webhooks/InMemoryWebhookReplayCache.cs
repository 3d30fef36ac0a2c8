using System.Runtime.InteropServices;

namespace Lakehouse.Ingest;

/// <summary>
/// A bounded, thread-safe, in-process <see cref="IWebhookReplayCache"/>. Entries expire by the verifier's clock;
/// when <see cref="Capacity"/> live entries are held, the oldest is dropped to make room.
/// </summary>
/// <remarks>
/// Size the capacity above the number of deliveries accepted per retention period (10 minutes by default):
/// an identity dropped early could be replayed while its timestamp is still inside the window. Only verified
/// deliveries are recorded, so filling the cache takes a valid secret. Recording allocates nothing once the
/// internal tables have grown to the working size.
/// </remarks>
public sealed class InMemoryWebhookReplayCache : IWebhookReplayCache
{
    private const int InitialSize = 1024;
    private readonly Lock _lock = new();
    private readonly Dictionary<Identity, long> _expiries;
    private readonly Queue<(Identity Identity, long ExpiresTicks)> _order;

    /// <summary>Creates a cache holding at most <paramref name="capacity"/> identities.</summary>
    /// <param name="capacity">The most identities held at once; at least 1. Default 100 000.</param>
    public InMemoryWebhookReplayCache(int capacity = 100_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        int initial = Math.Min(capacity, InitialSize);
        _expiries = new Dictionary<Identity, long>(initial);
        _order = new Queue<(Identity, long)>(initial);
    }

    /// <summary>The most identities held at once.</summary>
    public int Capacity { get; }

    /// <summary>The number of identities currently held (expired ones may linger until the next call).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _expiries.Count;
            }
        }
    }

    /// <inheritdoc />
    public bool TryRecord(ReadOnlySpan<byte> identity, DateTimeOffset now, TimeSpan retention)
    {
        if (identity.Length != Identity.Size)
        {
            throw new ArgumentException($"a replay identity has {Identity.Size} bytes, not {identity.Length}.", nameof(identity));
        }

        Identity key = MemoryMarshal.Read<Identity>(identity);
        long nowTicks = now.UtcTicks;
        long expires = nowTicks + retention.Ticks;
        lock (_lock)
        {
            // The queue is in insertion order, which is expiry order while the clock moves forward; an entry
            // whose dictionary value differs was re-recorded later and is skipped.
            while (_order.TryPeek(out (Identity Identity, long ExpiresTicks) head) && head.ExpiresTicks <= nowTicks)
            {
                _order.Dequeue();
                RemoveIfCurrent(head.Identity, head.ExpiresTicks);
            }

            if (_expiries.TryGetValue(key, out long existing) && existing > nowTicks)
            {
                return false;
            }

            while (_expiries.Count >= Capacity || _order.Count >= Capacity)
            {
                (Identity oldest, long oldestExpires) = _order.Dequeue();
                RemoveIfCurrent(oldest, oldestExpires);
            }

            _expiries[key] = expires;
            _order.Enqueue((key, expires));
            return true;
        }
    }

    private void RemoveIfCurrent(Identity identity, long expiresTicks)
    {
        if (_expiries.TryGetValue(identity, out long current) && current == expiresTicks)
        {
            _expiries.Remove(identity);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Identity : IEquatable<Identity>
    {
        public const int Size = 32;
        private readonly ulong _a;
        private readonly ulong _b;
        private readonly ulong _c;
        private readonly ulong _d;

        public bool Equals(Identity other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

        public override bool Equals(object? obj) => obj is Identity other && Equals(other);

        // Identities are digests of verified deliveries, so their bits are already uniform.
        public override int GetHashCode() => (int)_a ^ (int)(_a >> 32);
    }
}
