using System.Buffers;
using System.IO.Pipelines;

namespace Lakehouse.Ingest.Tests;

/// <summary>The same bytes as every input shape the reader accepts.</summary>
public static class InputShapes
{
    public static readonly string[] All = ["bytes", "memory", "sequence-split", "one-byte-segments", "stream-small-reads", "pipe"];

    public static JsonlReader Open(string shape, byte[] bytes, IngestOptions? options = null, int seed = 1) => shape switch
    {
        "bytes" => JsonlReader.Create(bytes, options),
        "memory" => JsonlReader.Create(new ReadOnlySequence<byte>(bytes), options),
        "sequence-split" => JsonlReader.Create(Split(bytes, new Random(seed)), options),
        "one-byte-segments" => JsonlReader.Create(Split(bytes, null), options),
        "stream-small-reads" => JsonlReader.Create(new TrickleStream(bytes, new Random(seed)), options),
        "pipe" => JsonlReader.Create(PipeReader.Create(new TrickleStream(bytes, new Random(seed)), new StreamPipeReaderOptions(bufferSize: 64, minimumReadSize: 16)), options),
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    /// <summary>Splits into random segments (1..17 bytes, some empty), or one byte per segment when <paramref name="random"/> is null.</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, Random? random)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        Segment? first = null;
        Segment? last = null;
        int at = 0;
        while (at < bytes.Length)
        {
            int n = random is null ? 1 : Math.Min(bytes.Length - at, random.Next(0, 18));
            var segment = new Segment(bytes.AsMemory(at, n));
            if (first is null)
            {
                first = last = segment;
            }
            else
            {
                last = last!.Append(segment);
            }

            at += n;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(Segment next)
        {
            next.RunningIndex = RunningIndex + Memory.Length;
            Next = next;
            return next;
        }
    }

    /// <summary>A stream that returns at most a few random bytes per read.</summary>
    public sealed class TrickleStream(byte[] bytes, Random random) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => bytes.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(Math.Min(buffer.Length, bytes.Length - _position), random.Next(1, 9));
            bytes.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            new(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));
    }
}
