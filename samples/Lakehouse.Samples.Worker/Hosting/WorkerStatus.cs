namespace Lakehouse.Samples.Worker;

/// <summary>What the worker has done since it started; a singleton in the container (for health checks, metrics, tests).</summary>
public sealed class WorkerStatus
{
    private long _medallionPasses;
    private long _bronzeRowsProcessed;
    private long _skippedPasses;
    private long _notifications;
    private long _listenerConnections;
    private long _published;
    private long _publishSkipped;
    private volatile bool _listening;

    /// <summary>Medallion passes that ran (not skipped), whatever they found.</summary>
    public long MedallionPasses => Interlocked.Read(ref _medallionPasses);

    /// <summary>Bronze rows in the batches this worker's passes committed (across workers, each row is applied once).</summary>
    public long BronzeRowsProcessed => Interlocked.Read(ref _bronzeRowsProcessed);

    /// <summary>Passes skipped because another runner held the lock.</summary>
    public long SkippedPasses => Interlocked.Read(ref _skippedPasses);

    /// <summary>Bronze notifications received.</summary>
    public long Notifications => Interlocked.Read(ref _notifications);

    /// <summary>Times the listener connected and issued <c>LISTEN</c> (1 + reconnects).</summary>
    public long ListenerConnections => Interlocked.Read(ref _listenerConnections);

    /// <summary>Whether the listener is connected now.</summary>
    public bool Listening
    {
        get => _listening;
        internal set => _listening = value;
    }

    /// <summary>Dataset versions this worker published.</summary>
    public long DatasetVersionsPublished => Interlocked.Read(ref _published);

    /// <summary>Scheduled publishes left out because another worker held the slot or had already published it.</summary>
    public long DatasetPublishesSkipped => Interlocked.Read(ref _publishSkipped);

    internal void PassRan() => Interlocked.Increment(ref _medallionPasses);

    internal void RowsApplied(long bronzeRows) => Interlocked.Add(ref _bronzeRowsProcessed, bronzeRows);

    internal void PassSkipped() => Interlocked.Increment(ref _skippedPasses);

    internal void Notified() => Interlocked.Increment(ref _notifications);

    internal void Connected() => Interlocked.Increment(ref _listenerConnections);

    internal void Published() => Interlocked.Increment(ref _published);

    internal void PublishSkipped() => Interlocked.Increment(ref _publishSkipped);
}
