namespace Lakehouse.Publisher;

/// <summary>One Parquet file of an export or a published version.</summary>
/// <param name="Path">The path relative to the version folder, with <c>/</c> separators: <c>date_key=2026-11-21/part-00000.parquet</c>.</param>
/// <param name="Rows">Rows in the file.</param>
/// <param name="Bytes">File size in bytes.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file's bytes.</param>
/// <param name="Partition">The Hive partition value of the file (<c>2026-11-21</c>); null when the dataset is not partitioned.</param>
public sealed record DatasetFile(string Path, long Rows, long Bytes, string Sha256, string? Partition);

/// <summary>What an export wrote.</summary>
/// <param name="Files">The files, in the order written.</param>
/// <param name="Columns">The columns written, in order.</param>
public sealed record DatasetExportResult(IReadOnlyList<DatasetFile> Files, IReadOnlyList<DatasetColumn> Columns)
{
    /// <summary>Rows in all files.</summary>
    public long Rows => Files.Sum(static f => f.Rows);

    /// <summary>Bytes of all files.</summary>
    public long Bytes => Files.Sum(static f => f.Bytes);
}
