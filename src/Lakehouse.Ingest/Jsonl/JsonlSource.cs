using System.Buffers;
using System.IO.Pipelines;

namespace Lakehouse.Ingest;

/// <summary>
/// Where a <see cref="JsonlReader"/> gets bytes: <see cref="Fill"/> returns every unconsumed byte buffered so far
/// (plus whatever a read added), <see cref="Advance"/> releases a prefix. The same protocol as
/// <see cref="PipeReader"/>: consumed = end of the last complete line, examined = end of the buffer.
/// </summary>
internal abstract class JsonlSource : IDisposable
{
    public abstract ReadOnlySequence<byte> Fill(out bool completed);

    public abstract ValueTask<(ReadOnlySequence<byte> Buffer, bool Completed)> FillAsync(CancellationToken cancellationToken);

    public abstract void Advance(SequencePosition consumed, SequencePosition examined);

    public virtual void Dispose()
    {
    }
}

internal sealed class SequenceSource(ReadOnlySequence<byte> sequence) : JsonlSource
{
    private ReadOnlySequence<byte> _remaining = sequence;

    public override ReadOnlySequence<byte> Fill(out bool completed)
    {
        completed = true;
        return _remaining;
    }

    public override ValueTask<(ReadOnlySequence<byte> Buffer, bool Completed)> FillAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new((_remaining, true));
    }

    public override void Advance(SequencePosition consumed, SequencePosition examined) => _remaining = _remaining.Slice(consumed);
}

internal sealed class PipeSource(PipeReader reader) : JsonlSource
{
    public override ReadOnlySequence<byte> Fill(out bool completed)
    {
        // Synchronous reading of a pipe blocks the thread until the writer produces bytes.
        if (!reader.TryRead(out ReadResult result))
        {
            result = reader.ReadAsync().AsTask().GetAwaiter().GetResult();
        }

        ThrowIfCanceled(result);
        completed = result.IsCompleted;
        return result.Buffer;
    }

    public override async ValueTask<(ReadOnlySequence<byte> Buffer, bool Completed)> FillAsync(CancellationToken cancellationToken)
    {
        ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        ThrowIfCanceled(result);
        return (result.Buffer, result.IsCompleted);
    }

    // CancelPendingRead is not the end of the input: treating it as completion would turn a partial last line
    // into a line. The unread bytes stay in the pipe for the caller.
    private void ThrowIfCanceled(ReadResult result)
    {
        if (result.IsCanceled)
        {
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            throw new OperationCanceledException("The pending read of the PipeReader was cancelled.");
        }
    }

    public override void Advance(SequencePosition consumed, SequencePosition examined) => reader.AdvanceTo(consumed, examined);
}

/// <summary>
/// Reads a <see cref="Stream"/> into one pooled array (sync and async alike). The array holds at most one
/// line plus one read: the reader consumes over-long lines as it goes, so it grows to about MaxLineBytes.
/// </summary>
internal sealed class StreamSource(Stream stream, bool leaveOpen) : JsonlSource
{
    private const int InitialSize = 64 * 1024;
    private byte[] _array = ArrayPool<byte>.Shared.Rent(InitialSize);
    private int _start;
    private int _end;
    private bool _eof;

    public override ReadOnlySequence<byte> Fill(out bool completed)
    {
        if (!_eof)
        {
            Prepare();
            int n = stream.Read(_array, _end, _array.Length - _end);
            Added(n);
        }

        completed = _eof;
        return new ReadOnlySequence<byte>(_array, _start, _end - _start);
    }

    public override async ValueTask<(ReadOnlySequence<byte> Buffer, bool Completed)> FillAsync(CancellationToken cancellationToken)
    {
        if (!_eof)
        {
            Prepare();
            int n = await stream.ReadAsync(_array.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            Added(n);
        }

        return (new ReadOnlySequence<byte>(_array, _start, _end - _start), _eof);
    }

    public override void Advance(SequencePosition consumed, SequencePosition examined) =>
        _start = consumed.GetInteger(); // for an array-backed sequence the position is the array index

    private void Prepare()
    {
        if (_start > 0)
        {
            // Keep the unconsumed tail at the front so the array never needs to hold consumed bytes.
            Buffer.BlockCopy(_array, _start, _array, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _array.Length)
        {
            byte[] bigger = ArrayPool<byte>.Shared.Rent(_array.Length * 2);
            Buffer.BlockCopy(_array, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_array);
            _array = bigger;
        }
    }

    private void Added(int n)
    {
        if (n <= 0)
        {
            _eof = true;
        }
        else
        {
            _end += n;
        }
    }

    public override void Dispose()
    {
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = [];
        }

        if (!leaveOpen)
        {
            stream.Dispose();
        }

        base.Dispose();
    }
}
