using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Lakehouse.Publisher;

/// <summary>Options of <c>AddLakehousePublisher</c>, bindable to the <c>Lakehouse:Publisher</c> configuration section.</summary>
public sealed class PublisherOptions
{
    /// <summary>The folder published datasets live in (<see cref="DatasetStore"/>). Required.</summary>
    [Required]
    public string Root { get; set; } = "";

    /// <summary>The service key of the <c>NpgsqlDataSource</c> to use; null = the unkeyed one.</summary>
    public object? DataSourceKey { get; set; }

    /// <summary>The Parquet codec.</summary>
    /// <value>Default <see cref="ParquetCompression.Zstd"/>.</value>
    public ParquetCompression Compression { get; set; } = ParquetCompression.Zstd;

    /// <summary>Rows per row group at most.</summary>
    /// <value>Default 1,048,576.</value>
    [Range(1000, int.MaxValue)]
    public int RowGroupMaxRows { get; set; } = 1 << 20;

    /// <summary>Estimated bytes per row group at most (also the exporter's memory bound).</summary>
    /// <value>Default 128 MiB.</value>
    [Range(65536, long.MaxValue)]
    public long RowGroupMaxBytes { get; set; } = 128L << 20;

    /// <summary>The public base URL of <see cref="Root"/>, for the <c>manifest_url</c> of notifications; null = a <c>file://</c> URL.</summary>
    public Uri? ManifestBaseUrl { get; set; }

    /// <summary>Attempts per notification (the first send included) before it is marked failed.</summary>
    /// <value>Default 6.</value>
    [Range(1, 20)]
    public int NotificationMaxAttempts { get; set; } = 6;

    /// <summary>The delay before the first retry; doubles at each further retry.</summary>
    /// <value>Default 2 seconds.</value>
    public TimeSpan NotificationBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The timeout of one notification attempt.</summary>
    /// <value>Default 10 seconds.</value>
    public TimeSpan NotificationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Price of one GB (10^9 bytes) moved out of the source location, for replication cost estimates.</summary>
    /// <value>Default 0.09.</value>
    [Range(0, 1000)]
    public decimal EgressPricePerGb { get; set; } = 0.09m;

    /// <summary>Price of storing one GB for a month at the replica, for replication cost estimates.</summary>
    /// <value>Default 0.023.</value>
    [Range(0, 1000)]
    public decimal StoragePricePerGbMonth { get; set; } = 0.023m;

    internal ParquetExportOptions ToExportOptions() => new()
    {
        Compression = Compression,
        RowGroupMaxRows = RowGroupMaxRows,
        RowGroupMaxBytes = RowGroupMaxBytes,
    };
}

/// <summary>Checks <see cref="PublisherOptions"/> at start (source-generated, AOT-safe).</summary>
[OptionsValidator]
internal sealed partial class PublisherOptionsValidator : IValidateOptions<PublisherOptions>;
