using System.Globalization;
using Npgsql;
using Parquet;
using Parquet.Schema;

namespace Lakehouse.Publisher.Export;

/// <summary>The values of one column for the row group being built, read straight from binary COPY.</summary>
internal abstract class ColumnBuffer(DataField field, string name, bool nullable)
{
    public DataField Field { get; } = field;

    public string Name { get; } = name;

    protected bool Nullable { get; } = nullable;

    /// <summary>Makes room for <paramref name="capacity"/> rows, keeping the rows held.</summary>
    public abstract void Grow(int capacity);

    /// <summary>Reads the current column of the current row into slot <paramref name="row"/>; returns the estimated bytes.</summary>
    public abstract ValueTask<int> ReadAsync(NpgsqlBinaryExporter exporter, int row, CancellationToken cancellationToken);

    /// <summary>Stores an in-memory value (already of the column's CLR type, or null) in slot <paramref name="row"/>; returns the estimated bytes.</summary>
    public abstract int Set(int row, object? value);

    public abstract Task WriteAsync(ParquetRowGroupWriter writer, int count, CancellationToken cancellationToken);

    /// <summary>Moves slot <paramref name="from"/> to slot 0 (the first row of the next partition).</summary>
    public abstract void MoveToFirst(int from);

    /// <summary>The Hive folder value of slot <paramref name="row"/>.</summary>
    public abstract string PartitionValue(int row);

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    protected void ThrowNull(int row) =>
        throw new InvalidOperationException($"column '{Name}' is declared NOT NULL but the source returned a null (row {row.ToString(CultureInfo.InvariantCulture)} of the row group)");

    public static ColumnBuffer Create(DatasetColumn column, int capacity) => column.Type switch
    {
        DatasetColumnType.Text => new StringBuffer(new DataField<string>(column.Name, column.IsNullable), column.Name, column.IsNullable, capacity),
        DatasetColumnType.Int4 => new StructBuffer<int>(new DataField<int>(column.Name, column.IsNullable), column, capacity, 4),
        DatasetColumnType.Int8 => new StructBuffer<long>(new DataField<long>(column.Name, column.IsNullable), column, capacity, 8),
        DatasetColumnType.Float8 => new StructBuffer<double>(new DataField<double>(column.Name, column.IsNullable), column, capacity, 8),
        DatasetColumnType.Boolean => new StructBuffer<bool>(new DataField<bool>(column.Name, column.IsNullable), column, capacity, 1),
        DatasetColumnType.Date => new StructBuffer<DateOnly>(new DataField<DateOnly>(column.Name, column.IsNullable), column, capacity, 4),
        DatasetColumnType.TimestampUtc => new StructBuffer<DateTime>(
            new DateTimeDataField(column.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: column.IsNullable), column, capacity, 8),
        DatasetColumnType.Numeric => new StructBuffer<decimal>(
            new DecimalDataField(column.Name, column.Precision, column.Scale, forceByteArrayEncoding: false, isNullable: column.IsNullable), column, capacity, 16),
        _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, "unknown column type"),
    };
}

internal sealed class StructBuffer<T>(DataField field, DatasetColumn column, int capacity, int width)
    : ColumnBuffer(field, column.Name, column.IsNullable)
    where T : struct
{
    // One array or the other, by nullability: Parquet.Net takes T?[] for optional fields and T[] for required ones.
    private T?[]? _optional = column.IsNullable ? new T?[capacity] : null;
    private T[]? _required = column.IsNullable ? null : new T[capacity];

    public override void Grow(int capacity)
    {
        if (_optional is not null)
        {
            Array.Resize(ref _optional, capacity);
        }
        else
        {
            Array.Resize(ref _required, capacity);
        }
    }

    public override async ValueTask<int> ReadAsync(NpgsqlBinaryExporter exporter, int row, CancellationToken cancellationToken)
    {
        if (exporter.IsNull)
        {
            if (_optional is null)
            {
                ThrowNull(row);
            }

            _optional[row] = null;
            await exporter.SkipAsync(cancellationToken).ConfigureAwait(false);
            return 1;
        }

        T value = await exporter.ReadAsync<T>(cancellationToken).ConfigureAwait(false);
        if (_optional is not null)
        {
            _optional[row] = value;
        }
        else
        {
            _required![row] = value;
        }

        return width;
    }

    public override int Set(int row, object? value)
    {
        if (value is null)
        {
            if (_optional is null)
            {
                ThrowNull(row);
            }

            _optional[row] = null;
            return 1;
        }

        T typed = value is T exact ? exact : Convert(value);
        if (_optional is not null)
        {
            _optional[row] = typed;
        }
        else
        {
            _required![row] = typed;
        }

        return width;
    }

    // Lenient widening for in-memory rows: an int for a bigint column, a DateTimeOffset for a timestamp, a decimal for a float.
    private T Convert(object value) => value switch
    {
        DateTimeOffset time when typeof(T) == typeof(DateTime) => (T)(object)time.UtcDateTime,
        DateTime time when typeof(T) == typeof(DateTime) => (T)(object)DateTime.SpecifyKind(time, DateTimeKind.Utc),
        IConvertible convertible when typeof(T) != typeof(DateOnly) && typeof(T) != typeof(DateTime) =>
            (T)convertible.ToType(typeof(T), CultureInfo.InvariantCulture),
        _ => throw new InvalidCastException($"column '{Name}' takes {typeof(T).Name} values, not {value.GetType().Name}"),
    };

    public override Task WriteAsync(ParquetRowGroupWriter writer, int count, CancellationToken cancellationToken) =>
        _optional is not null
            ? writer.WriteAsync<T>(Field, _optional.AsMemory(0, count), null, null, cancellationToken)
            : writer.WriteAsync<T>(Field, _required.AsMemory(0, count), null, null, cancellationToken);

    public override void MoveToFirst(int from)
    {
        if (_optional is not null)
        {
            _optional[0] = _optional[from];
        }
        else
        {
            _required![0] = _required[from];
        }
    }

    public override string PartitionValue(int row)
    {
        T? value = _optional is not null ? _optional[row] : _required![row];
        return value switch
        {
            null => HivePath.NullPartition,
            DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTime time => time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            bool flag => flag ? "true" : "false",
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.Value.ToString() ?? "",
        };
    }
}

internal sealed class StringBuffer(DataField field, string name, bool nullable, int capacity)
    : ColumnBuffer(field, name, nullable)
{
    private string?[] _values = new string?[capacity];

    public override void Grow(int capacity) => Array.Resize(ref _values, capacity);

    public override async ValueTask<int> ReadAsync(NpgsqlBinaryExporter exporter, int row, CancellationToken cancellationToken)
    {
        if (exporter.IsNull)
        {
            if (!Nullable)
            {
                ThrowNull(row);
            }

            _values[row] = null;
            await exporter.SkipAsync(cancellationToken).ConfigureAwait(false);
            return 1;
        }

        string value = await exporter.ReadAsync<string>(cancellationToken).ConfigureAwait(false);
        _values[row] = value;
        return value.Length + 4;
    }

    public override int Set(int row, object? value)
    {
        if (value is null && !Nullable)
        {
            ThrowNull(row);
        }

        string? text = value switch
        {
            null => null,
            string s => s,
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
        _values[row] = text;
        return (text?.Length ?? 0) + 4;
    }

    public override async Task WriteAsync(ParquetRowGroupWriter writer, int count, CancellationToken cancellationToken)
    {
        await writer.WriteAsync(Field, new ArraySegment<string?>(_values, 0, count)!, null).ConfigureAwait(false);
        Array.Clear(_values, 0, count); // let the strings go before the next group fills
    }

    public override void MoveToFirst(int from) => _values[0] = _values[from];

    public override string PartitionValue(int row) => _values[row] is { } value ? HivePath.Escape(value) : HivePath.NullPartition;
}

/// <summary>Hive partition folder names: <c>column=value</c>, with the characters Hive escapes percent-encoded.</summary>
internal static class HivePath
{
    public const string NullPartition = "__HIVE_DEFAULT_PARTITION__";

    public static string Escape(string value)
    {
        var builder = new System.Text.StringBuilder(value.Length);
        foreach (char c in value)
        {
            if (c < 0x20 || c is '"' or '#' or '%' or '\'' or '*' or '/' or ':' or '=' or '?' or '\\' or '\x7F' or '{' or '[' or ']' or '^')
            {
                builder.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Length == 0 ? NullPartition : builder.ToString();
    }
}
