using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Lakehouse.Ingest;

/// <summary>
/// Reads transaction events from JSON Lines (or from an <c>application/json</c> body), validating each line and
/// computing its event hash, without allocating per line in steady state.
/// </summary>
/// <remarks>
/// <para>Pull one line at a time with <see cref="Read"/> or <see cref="ReadAsync"/>; then either
/// <see cref="IsValid"/> and <see cref="Record"/>, or <see cref="Error"/>. A bad line never throws and never
/// stops the input: the next call moves on to the next line. Blank and white-space-only lines are skipped (they
/// still count for line numbers); CRLF and LF both end a line; a UTF-8 BOM at the very start is skipped; a last
/// line without <c>\n</c> is still a line. A line longer than <see cref="IngestOptions.MaxLineBytes"/> is an
/// error and is skipped to its <c>\n</c> without being buffered whole.</para>
/// <para>The <see cref="Record"/> view and <see cref="CurrentRaw"/> are valid until the next read.
/// Not thread-safe. Disposing returns the pooled buffers; a <see cref="PipeReader"/> passed in is not completed
/// (the caller owns it; lines not yet read stay in it), a <see cref="Stream"/> is disposed unless <c>leaveOpen</c>.
/// <see cref="PipeReader.CancelPendingRead"/> makes <see cref="ReadAsync"/> throw <see cref="OperationCanceledException"/>.</para>
/// </remarks>
public sealed class JsonlReader : IDisposable
{
    private const int Produced = 1;
    private const int NeedMore = 0;
    private const int End = -1;

    private readonly JsonlSource? _source;
    private readonly TransactionParser _parser;
    private readonly int _maxLineBytes;
    private readonly BodyElement[]? _elements;
    private readonly ReadOnlyMemory<byte> _body;
    private int _nextElement;

    private ReadOnlySequence<byte> _buffer;
    private bool _hasBuffer;
    private bool _completed;
    private bool _ended;
    private long _bufferOffset;
    private long _scanned;
    private bool _skipping;
    private bool _bomChecked;
    private long _lineNumber;
    private byte[]? _scratch;

    private ReadOnlyMemory<byte> _current;
    private bool _currentValid;
    private IngestError _currentError;
    private long _currentLineNumber;
    private long _currentOffset;

    private JsonlReader(JsonlSource? source, IngestOptions? options, BodyElement[]? elements = null, ReadOnlyMemory<byte> body = default)
    {
        options ??= new IngestOptions();
        _source = source;
        _maxLineBytes = options.MaxLineBytes;
        _parser = new TransactionParser(options.MaxPesoValue);
        _elements = elements;
        _body = body;
    }

    /// <summary>Reads JSON Lines from a pipe (the caller completes it).</summary>
    /// <param name="reader">The pipe to read.</param>
    /// <param name="options">Limits and rules; defaults when <see langword="null"/>.</param>
    /// <returns>A reader to dispose.</returns>
    public static JsonlReader Create(PipeReader reader, IngestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new JsonlReader(new PipeSource(reader), options);
    }

    /// <summary>Reads JSON Lines from a stream.</summary>
    /// <param name="stream">The stream to read.</param>
    /// <param name="options">Limits and rules; defaults when <see langword="null"/>.</param>
    /// <param name="leaveOpen">Whether disposing the reader leaves <paramref name="stream"/> open.</param>
    /// <returns>A reader to dispose.</returns>
    public static JsonlReader Create(Stream stream, IngestOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new JsonlReader(new StreamSource(stream, leaveOpen), options);
    }

    /// <summary>Reads JSON Lines from bytes in memory.</summary>
    /// <param name="utf8">The input.</param>
    /// <param name="options">Limits and rules; defaults when <see langword="null"/>.</param>
    /// <returns>A reader to dispose.</returns>
    public static JsonlReader Create(ReadOnlyMemory<byte> utf8, IngestOptions? options = null) =>
        new(new SequenceSource(new ReadOnlySequence<byte>(utf8)), options);

    /// <summary>Reads JSON Lines from a byte array.</summary>
    /// <param name="utf8">The input.</param>
    /// <param name="options">Limits and rules; defaults when <see langword="null"/>.</param>
    /// <returns>A reader to dispose.</returns>
    public static JsonlReader Create(byte[] utf8, IngestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        return Create(utf8.AsMemory(), options);
    }

    /// <summary>Reads JSON Lines from a (possibly multi-segment) sequence.</summary>
    /// <param name="utf8">The input.</param>
    /// <param name="options">Limits and rules; defaults when <see langword="null"/>.</param>
    /// <returns>A reader to dispose.</returns>
    public static JsonlReader Create(ReadOnlySequence<byte> utf8, IngestOptions? options = null) =>
        new(new SequenceSource(utf8), options);

    /// <summary>
    /// Reads the events of an <c>application/json</c> body: a single JSON object, or an array whose elements are
    /// each read as one event.
    /// </summary>
    /// <remarks>
    /// <see cref="LineNumber"/> is the 1-based element index and <see cref="ByteOffset"/> the element's offset in
    /// the body. An element that is not an object is a <see cref="IngestErrorReason.NotAnObject"/> error. When the
    /// body is not valid JSON, the elements before the fault are read and then one
    /// <see cref="IngestErrorReason.InvalidJson"/> error ends the body. The body is bounded by the host; elements
    /// longer than <see cref="IngestOptions.MaxLineBytes"/> are errors.
    /// </remarks>
    /// <param name="body">The whole body.</param>
    /// <param name="options">Limits and rules; defaults when <see langword="null"/>.</param>
    /// <returns>A reader to dispose.</returns>
    public static JsonlReader CreateForJsonBody(ReadOnlyMemory<byte> body, IngestOptions? options = null) =>
        new(null, options, SplitBody(body.Span), body);

    /// <summary>Whether the current line is a valid event (then use <see cref="Record"/>), else see <see cref="Error"/>.</summary>
    public bool IsValid => _currentValid;

    /// <summary>The current valid line as a typed view, valid until the next read.</summary>
    /// <exception cref="InvalidOperationException">The current line is not valid.</exception>
    public TransactionRecord Record
    {
        get
        {
            if (!_currentValid)
            {
                ThrowNoRecord();
            }

            return new TransactionRecord(_parser, _current.Span, _currentLineNumber, _currentOffset);
        }
    }

    /// <summary>Why the current line was rejected; <c>default</c> when it is valid.</summary>
    public IngestError Error => _currentError;

    /// <summary>The current line's bytes as received, without its terminator (empty for an over-long line), valid until the next read.</summary>
    public ReadOnlySpan<byte> CurrentRaw => _current.Span;

    /// <summary>The current line's 1-based number (blank lines count).</summary>
    public long LineNumber => _currentLineNumber;

    /// <summary>The current line's byte offset in the input.</summary>
    public long ByteOffset => _currentOffset;

    /// <summary>Moves to the next non-blank line. Blocks on I/O; over a <see cref="PipeReader"/> it waits for the writer.</summary>
    /// <returns><see langword="false"/> at the end of the input.</returns>
    public bool Read()
    {
        while (true)
        {
            int state = Next();
            if (state != NeedMore)
            {
                return state == Produced;
            }

            AdvanceSource();
            _buffer = _source!.Fill(out _completed);
            _hasBuffer = true;
        }
    }

    /// <summary>Moves to the next non-blank line.</summary>
    /// <param name="cancellationToken">Cancels waiting for input.</param>
    /// <returns><see langword="false"/> at the end of the input.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int state = Next();
            if (state != NeedMore)
            {
                return state == Produced;
            }

            AdvanceSource();
            (_buffer, _completed) = await _source!.FillAsync(cancellationToken).ConfigureAwait(false);
            _hasBuffer = true;
        }
    }

    /// <summary>Returns the pooled buffers.</summary>
    public void Dispose()
    {
        _current = default;
        if (_hasBuffer && !_ended)
        {
            // Leave the unread lines in a caller-owned pipe, and end the read so the caller may read again.
            _source!.Advance(_buffer.Start, _buffer.End);
            _hasBuffer = false;
        }

        if (_scratch is not null)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = null;
        }

        _source?.Dispose();
    }

    private void AdvanceSource()
    {
        if (_hasBuffer)
        {
            // consumed = end of the last complete line; examined = everything, so the next read waits for new bytes.
            _source!.Advance(_buffer.Start, _buffer.End);
            _hasBuffer = false;
        }
    }

    private int Next()
    {
        _current = default;
        _currentValid = false;
        _currentError = default;
        if (_ended)
        {
            return End;
        }

        int state = _elements is not null ? NextElement() : NextLine();
        if (state == End)
        {
            _ended = true;
            if (_hasBuffer)
            {
                _source!.Advance(_buffer.End, _buffer.End);
                _hasBuffer = false;
            }
        }

        return state;
    }

    private int NextLine()
    {
        while (true)
        {
            if (!_hasBuffer)
            {
                return NeedMore;
            }

            if (!_bomChecked)
            {
                if (_buffer.Length < 3 && !_completed && IsBomPrefix(_buffer))
                {
                    return NeedMore;
                }

                _bomChecked = true;
                if (_buffer.Length >= 3 && IsBomPrefix(_buffer.Slice(0, 3)))
                {
                    Consume(3);
                }
            }

            if (_skipping)
            {
                SequencePosition? newline = _buffer.PositionOf((byte)'\n');
                if (newline is null)
                {
                    Consume(_buffer.Length);
                    return _completed ? End : NeedMore;
                }

                Consume(_buffer.Slice(0, newline.Value).Length + 1);
                _skipping = false;
                continue;
            }

            if (_buffer.IsEmpty)
            {
                return _completed ? End : NeedMore;
            }

            SequencePosition? end = _buffer.Slice(_scanned).PositionOf((byte)'\n');
            ReadOnlySequence<byte> line;
            long consumed;
            if (end is null)
            {
                long length = _buffer.Length;
                if (length > (long)_maxLineBytes + 1)
                {
                    // Too long whatever comes next (+1 allows a final \r): report now, then drop bytes up to the \n.
                    long lineNumber = ++_lineNumber;
                    long offset = _bufferOffset;
                    Consume(length);
                    _skipping = !_completed;
                    SetError(lineNumber, offset, null, IngestErrorReason.LineTooLong, string.Create(CultureInfo.InvariantCulture,
                        $"line {lineNumber} has more than {_maxLineBytes} bytes (MaxLineBytes); skipped to the next line"));
                    return Produced;
                }

                if (!_completed)
                {
                    _scanned = length;
                    return NeedMore;
                }

                line = _buffer;
                consumed = length;
            }
            else
            {
                line = _buffer.Slice(0, end.Value);
                consumed = line.Length + 1;
            }

            long number = ++_lineNumber;
            long lineOffset = _bufferOffset;
            Consume(consumed);
            if (!line.IsEmpty && EndsWithCr(line))
            {
                line = line.Slice(0, line.Length - 1);
            }

            if (line.Length > _maxLineBytes)
            {
                SetError(number, lineOffset, null, IngestErrorReason.LineTooLong, string.Create(CultureInfo.InvariantCulture,
                    $"line {number} has {line.Length} bytes, MaxLineBytes is {_maxLineBytes}"));
                return Produced;
            }

            if (IsBlank(line))
            {
                continue;
            }

            ReadOnlyMemory<byte> bytes;
            if (line.IsSingleSegment)
            {
                bytes = line.First;
            }
            else
            {
                // A line split across segments is copied once into a scratch buffer reused for every such line.
                int length = (int)line.Length;
                if (_scratch is null || _scratch.Length < length)
                {
                    if (_scratch is not null)
                    {
                        ArrayPool<byte>.Shared.Return(_scratch);
                    }

                    _scratch = ArrayPool<byte>.Shared.Rent(Math.Max(length, 4096));
                }

                line.CopyTo(_scratch);
                bytes = _scratch.AsMemory(0, length);
            }

            Parse(bytes, number, lineOffset);
            return Produced;
        }
    }

    private int NextElement()
    {
        if (_nextElement >= _elements!.Length)
        {
            return End;
        }

        BodyElement e = _elements[_nextElement++];
        long number = _nextElement;
        if (e.Error is not null)
        {
            SetError(number, e.Start, null, IngestErrorReason.InvalidJson, e.Error);
            return Produced;
        }

        if (e.Length > _maxLineBytes)
        {
            SetError(number, e.Start, null, IngestErrorReason.LineTooLong, string.Create(CultureInfo.InvariantCulture,
                $"element {number} has {e.Length} bytes, MaxLineBytes is {_maxLineBytes}"));
            return Produced;
        }

        Parse(_body.Slice(e.Start, e.Length), number, e.Start);
        return Produced;
    }

    private void Parse(ReadOnlyMemory<byte> bytes, long number, long offset)
    {
        _current = bytes;
        _currentLineNumber = number;
        _currentOffset = offset;
        if (_parser.TryParse(bytes.Span, number, offset, _elements is not null, out IngestErrorReason reason, out string? field, out string? message))
        {
            _currentValid = true;
        }
        else
        {
            _currentError = new IngestError(number, offset, field, reason, message!);
        }
    }

    private void SetError(long number, long offset, string? field, IngestErrorReason reason, string message)
    {
        _currentLineNumber = number;
        _currentOffset = offset;
        _currentError = new IngestError(number, offset, field, reason, message);
    }

    private void Consume(long count)
    {
        _buffer = _buffer.Slice(count);
        _bufferOffset += count;
        _scanned = 0;
    }

    private static bool IsBomPrefix(ReadOnlySequence<byte> s)
    {
        ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
        int i = 0;
        foreach (ReadOnlyMemory<byte> segment in s)
        {
            foreach (byte b in segment.Span)
            {
                if (i >= 3 || b != bom[i])
                {
                    return i >= 3;
                }

                i++;
            }
        }

        return true;
    }

    private static bool EndsWithCr(ReadOnlySequence<byte> line)
    {
        ReadOnlySequence<byte> last = line.Slice(line.Length - 1);
        return last.FirstSpan[0] == (byte)'\r';
    }

    private static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (ReadOnlyMemory<byte> segment in line)
        {
            if (segment.Span.IndexOfAnyExcept(" \t\r"u8) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    private static BodyElement[] SplitBody(ReadOnlySpan<byte> body)
    {
        int bom = body.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        var list = new List<BodyElement>();
        var reader = new Utf8JsonReader(body[bom..], new JsonReaderOptions { MaxDepth = TransactionParser.MaxDepth + 1 });
        try
        {
            if (!reader.Read())
            {
                list.Add(new BodyElement(bom, 0, "the body holds no JSON value"));
                return [.. list];
            }

            if (reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    int start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    list.Add(new BodyElement(bom + start, (int)reader.BytesConsumed - start, null));
                }
            }
            else
            {
                int start = (int)reader.TokenStartIndex;
                reader.Skip();
                list.Add(new BodyElement(bom + start, (int)reader.BytesConsumed - start, null));
            }

            while (reader.Read())
            {
                // A second top-level value throws.
            }
        }
        catch (JsonException e)
        {
            list.Add(new BodyElement(bom + (int)reader.BytesConsumed, 0, string.Create(CultureInfo.InvariantCulture,
                $"the body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine} of that line)")));
        }

        return [.. list];
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowNoRecord() =>
        throw new InvalidOperationException("The current line is not a valid event; check IsValid and read Error instead.");

    private readonly record struct BodyElement(int Start, int Length, string? Error);
}
