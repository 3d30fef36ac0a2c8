namespace Lakehouse.Publisher;

/// <summary>The compression codec of exported Parquet files.</summary>
public enum ParquetCompression
{
    /// <summary>Zstandard: small files, fast to read; the default.</summary>
    Zstd,

    /// <summary>Snappy: faster to write, larger files.</summary>
    Snappy,

    /// <summary>Gzip: widely readable, slower.</summary>
    Gzip,

    /// <summary>No compression.</summary>
    None,
}

/// <summary>How <see cref="ParquetExporter"/> writes files.</summary>
public sealed class ParquetExportOptions
{
    /// <summary>The codec.</summary>
    /// <value>Default <see cref="ParquetCompression.Zstd"/>.</value>
    public ParquetCompression Compression { get; set; } = ParquetCompression.Zstd;

    /// <summary>A row group is written when it holds this many rows (or <see cref="RowGroupMaxBytes"/>, whichever comes first).</summary>
    /// <value>Default 1,048,576. Minimum 1,000.</value>
    public int RowGroupMaxRows { get; set; } = 1 << 20;

    /// <summary>A row group is written when its buffered values reach about this many bytes (estimated before compression).</summary>
    /// <value>Default 128 MiB. Minimum 64 KiB.</value>
    /// <remarks>This also bounds the exporter's memory: one row group is buffered at a time, whatever the table size.</remarks>
    public long RowGroupMaxBytes { get; set; } = 128L << 20;
}
