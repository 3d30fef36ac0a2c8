using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Lakehouse.Ingest;

namespace Lakehouse.Samples.Pi.Spool;

/// <summary>
/// Rejected lines of one source, appended as JSON Lines to <c>rejected/{source}.rejected.jsonl</c>:
/// <c>{"source","line","offset","reason","field","message","raw"}</c>. Opened on the first reject;
/// <see cref="Commit"/> makes them durable before the source is deleted.
/// </summary>
internal sealed class RejectFile(string path, string source) : IDisposable
{
    private const int MaxRawChars = 4096;
    private FileStream? _file;
    private Utf8JsonWriter? _writer;

    /// <summary>How many lines were rejected.</summary>
    public int Count { get; private set; }

    /// <summary>Records one rejected line.</summary>
    public void Add(in IngestError error, ReadOnlySpan<byte> raw)
    {
        if (_file is null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 16 * 1024);
            _writer = new Utf8JsonWriter(_file, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        }

        Utf8JsonWriter w = _writer!;
        w.Reset(_file);
        w.WriteStartObject();
        w.WriteString("source", source);
        w.WriteNumber("line", error.LineNumber);
        w.WriteNumber("offset", error.ByteOffset);
        w.WriteString("reason", error.Reason.ToString());
        if (error.Field is not null)
        {
            w.WriteString("field", error.Field);
        }

        w.WriteString("message", error.Message);
        string text = Encoding.UTF8.GetString(raw);
        w.WriteString("raw", text.Length > MaxRawChars ? text[..MaxRawChars] : text);
        w.WriteEndObject();
        w.Flush();
        _file.WriteByte((byte)'\n');
        Count++;
    }

    /// <summary>Makes the recorded rejects durable.</summary>
    public void Commit()
    {
        if (_file is not null)
        {
            _file.Flush(flushToDisk: true);
        }
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _file?.Dispose();
    }
}
