namespace Lakehouse.Ingest;

/// <summary>Why a line (or a JSON body element) was rejected.</summary>
public enum IngestErrorReason
{
    /// <summary>The bytes are not valid JSON (or not UTF-8).</summary>
    InvalidJson = 1,

    /// <summary>The value is valid JSON but not an object.</summary>
    NotAnObject,

    /// <summary>The JSON is refused by PostgreSQL's <c>jsonb</c> input rules (e.g. <c>\u0000</c>, a lone surrogate, a number out of range).</summary>
    RejectedByJsonb,

    /// <summary>The line is longer than <see cref="IngestOptions.MaxLineBytes"/>; it was skipped without being buffered.</summary>
    LineTooLong,

    /// <summary>A required field is absent (or <c>null</c>).</summary>
    MissingField,

    /// <summary>A known field has the wrong JSON type.</summary>
    WrongType,

    /// <summary>A string field is empty where a value is required.</summary>
    EmptyValue,

    /// <summary>A number is outside its allowed range (negative, zero quantity, over the ceiling, a score outside 0..1).</summary>
    OutOfRange,

    /// <summary>An enumerated field holds a value outside its list.</summary>
    UnknownEnumValue,

    /// <summary>The timestamp is not ISO-8601 with an offset.</summary>
    InvalidTimestamp,
}

/// <summary>
/// A rejected line: where it is and why. Bad lines are data, never exceptions: the reader reports one of these
/// and carries on with the next line.
/// </summary>
/// <param name="LineNumber">1-based line number in the input (blank lines count); for a JSON array body, the 1-based element index.</param>
/// <param name="ByteOffset">Offset of the line's first byte from the start of the input (a leading BOM counts).</param>
/// <param name="Field">The field at fault as a JSON path (<c>peso_value</c>, <c>items[2].qty</c>), or <see langword="null"/> when the whole line is.</param>
/// <param name="Reason">The kind of failure.</param>
/// <param name="Message">A human-readable explanation naming the value and the rule.</param>
public readonly record struct IngestError(long LineNumber, long ByteOffset, string? Field, IngestErrorReason Reason, string Message);
