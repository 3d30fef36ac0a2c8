using System.Threading.Channels;

namespace Lakehouse.Samples.Worker;

/// <summary>
/// "Bronze changed": any number of signals before the pass loop looks again count as one (a channel of capacity one
/// that drops further writes), which is how bursts of notifications coalesce into a single pass.
/// </summary>
internal sealed class MedallionSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Signal() => _channel.Writer.TryWrite(true);

    /// <summary>Forgets signals already raised (they are covered by the pass about to start).</summary>
    public void Clear() => _channel.Reader.TryRead(out _);

    /// <summary>Waits for a signal up to <paramref name="timeout"/>; true when signalled, false when the time ran out.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (_channel.Reader.TryRead(out _))
        {
            return true;
        }

        if (timeout <= TimeSpan.Zero)
        {
            return false;
        }

        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        try
        {
            await _channel.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false);
            return _channel.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
