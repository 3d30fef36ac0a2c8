using System.ComponentModel.DataAnnotations;

namespace Lakehouse.Ingest;

/// <summary>Options of <see cref="BronzeLoader"/>.</summary>
public sealed class BronzeLoaderOptions
{
    /// <summary>Lines per transaction: each batch is staged by binary COPY and merged in one transaction.</summary>
    /// <value>10,000.</value>
    [Range(1, 10_000_000)]
    public int BatchSize { get; set; } = 10_000;

    /// <summary>How many bytes of a rejected line are kept in <c>scout.bronze_rejects.raw</c>.</summary>
    /// <value>4,096.</value>
    [Range(0, 16 * 1024 * 1024)]
    public int MaxRejectBytes { get; set; } = 4096;
}

/// <summary>Where a batch of lines came from, recorded with every row.</summary>
/// <param name="Name">The source's name (a file path, <c>http:&lt;device&gt;</c>, …); with the byte offset it identifies a reject.</param>
/// <param name="DeviceId">The device to credit when an event has no <c>device_id</c> (the <c>x-device-id</c> header, the landing path).</param>
public readonly record struct BronzeSource(string Name, string? DeviceId = null);

/// <summary>What a load did. Lines = Valid + Rejected; Valid = Inserted + Duplicates.</summary>
/// <param name="Lines">Non-blank lines (or body elements) read.</param>
/// <param name="Valid">Lines that passed validation.</param>
/// <param name="Rejected">Lines rejected (recorded in <c>scout.bronze_rejects</c>).</param>
/// <param name="Inserted">New events written to <c>scout.bronze_transactions</c>.</param>
/// <param name="Duplicates">Valid events already known (by the in-process window or the database's unique key).</param>
public readonly record struct BronzeLoadResult(long Lines, long Valid, long Rejected, long Inserted, long Duplicates)
{
    /// <summary>Adds two results.</summary>
    /// <param name="a">One result.</param>
    /// <param name="b">Another.</param>
    /// <returns>The sums.</returns>
    public static BronzeLoadResult operator +(BronzeLoadResult a, BronzeLoadResult b) =>
        new(a.Lines + b.Lines, a.Valid + b.Valid, a.Rejected + b.Rejected, a.Inserted + b.Inserted, a.Duplicates + b.Duplicates);

    /// <summary>Adds two results.</summary>
    /// <param name="other">The other result.</param>
    /// <returns>The sums.</returns>
    public BronzeLoadResult Add(BronzeLoadResult other) => this + other;
}

/// <summary>Ingestion counters of one device on one day (Philippine time), from <c>scout.ingestion_status</c>.</summary>
/// <param name="DeviceId">The device (empty when neither events nor source named one).</param>
/// <param name="Day">The ingestion date in Philippine time (UTC+8).</param>
/// <param name="Accepted">Events inserted into bronze.</param>
/// <param name="Duplicates">Events dropped as already known.</param>
/// <param name="Rejected">Lines rejected.</param>
/// <param name="FirstSeen">The first load that day.</param>
/// <param name="LastSeen">The latest load that day.</param>
public sealed record IngestionStatus(string DeviceId, DateOnly Day, long Accepted, long Duplicates, long Rejected, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);
