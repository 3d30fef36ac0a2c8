using System.Text.Json.Serialization;

namespace Lakehouse.Publisher;

/// <summary>The Parquet type a dataset column is exported as.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DatasetColumnType>))]
public enum DatasetColumnType
{
    /// <summary>PostgreSQL <c>text</c>/<c>varchar</c> (enums stored as text included) → Parquet UTF-8 string.</summary>
    Text,

    /// <summary>PostgreSQL <c>int4</c> → Parquet INT32.</summary>
    Int4,

    /// <summary>PostgreSQL <c>int8</c> → Parquet INT64.</summary>
#pragma warning disable CA1720 // named after the PostgreSQL type, not the CLR one
    Int8,
#pragma warning restore CA1720

    /// <summary>PostgreSQL <c>float8</c> → Parquet DOUBLE.</summary>
    Float8,

    /// <summary>PostgreSQL <c>bool</c> → Parquet BOOLEAN.</summary>
    Boolean,

    /// <summary>PostgreSQL <c>date</c> → Parquet DATE.</summary>
    Date,

    /// <summary>PostgreSQL <c>timestamptz</c> → Parquet TIMESTAMP (microseconds, adjusted to UTC).</summary>
    TimestampUtc,

    /// <summary>PostgreSQL <c>numeric(p,s)</c> → Parquet DECIMAL(p,s); precision 1–28 (the range of <see cref="decimal"/>).</summary>
    Numeric,
}

/// <summary>One declared column of a dataset.</summary>
/// <param name="Name">The column name, as in the source and in the Parquet file.</param>
/// <param name="Type">The exported type.</param>
/// <param name="IsNullable">Whether nulls are allowed; a null in a non-nullable column stops the export.</param>
public sealed record DatasetColumn(string Name, DatasetColumnType Type, bool IsNullable = true)
{
    /// <summary>Total digits of a <see cref="DatasetColumnType.Numeric"/> column; 0 for other types.</summary>
    public int Precision { get; init; }

    /// <summary>Digits after the point of a <see cref="DatasetColumnType.Numeric"/> column; 0 for other types.</summary>
    public int Scale { get; init; }

    /// <summary>Personal data: a dataset with such a column is refused by the exporter, naming the column.</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool IsPii { get; init; }

    /// <summary>A <see cref="DatasetColumnType.Numeric"/> column with the given precision and scale.</summary>
    /// <param name="name">The column name.</param>
    /// <param name="precision">Total digits, 1–28.</param>
    /// <param name="scale">Digits after the point, 0–<paramref name="precision"/>.</param>
    /// <param name="isNullable">Whether nulls are allowed.</param>
    /// <returns>The column.</returns>
    public static DatasetColumn Numeric(string name, int precision, int scale, bool isNullable = true) =>
        new(name, DatasetColumnType.Numeric, isNullable) { Precision = precision, Scale = scale };

    /// <summary>The type as PostgreSQL spells it, for messages: <c>numeric(12,2)</c>, <c>timestamptz</c>.</summary>
    /// <returns>The spelled type.</returns>
    public string SqlTypeName() => Type switch
    {
        DatasetColumnType.Text => "text",
        DatasetColumnType.Int4 => "integer",
        DatasetColumnType.Int8 => "bigint",
        DatasetColumnType.Float8 => "double precision",
        DatasetColumnType.Boolean => "boolean",
        DatasetColumnType.Date => "date",
        DatasetColumnType.TimestampUtc => "timestamp with time zone",
        _ => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"numeric({Precision},{Scale})"),
    };
}

/// <summary>
/// A dataset: what is exported (a table or a query), under which name and semantic version, with which
/// declared columns, partitioned how, and where it comes from (lineage).
/// </summary>
/// <remarks>
/// The declared columns are a contract: the exporter compares them with the live columns of the source and refuses
/// any difference (name, type, precision, scale, nullability). Changing the schema means declaring it anew
/// under a higher version (minor or major); <see cref="DatasetPublisher"/> refuses a changed schema under a patch bump.
/// </remarks>
public sealed record DatasetDefinition
{
    /// <summary>The dataset name: letters, digits, <c>_</c> and <c>-</c> (it names a folder).</summary>
    public required string Name { get; init; }

    /// <summary>The semantic version <c>major.minor.patch</c> this definition publishes.</summary>
    public required string Version { get; init; }

    /// <summary>The source: a table name (<c>schema.table</c>) or a SELECT query; see <see cref="IsQuery"/>.</summary>
    public required string Source { get; init; }

    /// <summary>Whether <see cref="Source"/> is a query rather than a table name.</summary>
    public bool IsQuery { get; init; }

    /// <summary>The declared columns, in export order.</summary>
    public required IReadOnlyList<DatasetColumn> Columns { get; init; }

    /// <summary>A column whose values name Hive-style folders (<c>date_key=2026-11-21/part-00000.parquet</c>); null = no partitions.</summary>
    /// <remarks>The partition column is kept inside the files too, so readers without Hive partitioning still see it.</remarks>
    public string? PartitionBy { get; init; }

    /// <summary>Lineage: the tables the dataset is computed from (defaults to the source table).</summary>
    public IReadOnlyList<string> InputTables { get; init; } = [];

    /// <summary>Lineage: the version of the transform that produced the source.</summary>
    /// <value>Default <c>"unversioned"</c>.</value>
    public string TransformVersion { get; init; } = "unversioned";

    /// <summary>A copy of this definition under another version.</summary>
    /// <param name="version">The new semantic version.</param>
    /// <returns>The copy.</returns>
    public DatasetDefinition WithVersion(string version) => this with { Version = version };
}
