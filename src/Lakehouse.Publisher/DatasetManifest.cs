using System.Text.Json.Serialization;

namespace Lakehouse.Publisher;

/// <summary>Where a published version comes from.</summary>
/// <param name="Source">The table or query exported.</param>
/// <param name="InputTables">The tables the source is computed from.</param>
/// <param name="TransformVersion">The version of the transform that produced the source.</param>
public sealed record DatasetLineage(string Source, IReadOnlyList<string> InputTables, string TransformVersion);

/// <summary>
/// The manifest of one published version (<c>manifest.json</c> in the version folder, and the <c>manifest</c> jsonb of
/// <c>publisher.dataset_versions</c>): its files with sizes and SHA-256, its schema, watermark and lineage.
/// </summary>
public sealed record DatasetManifest
{
    /// <summary>The dataset name.</summary>
    public required string Dataset { get; init; }

    /// <summary>The semantic version.</summary>
    public required string Version { get; init; }

    /// <summary>When the version was published.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The source watermark the export reflects (e.g. the latest <c>ingested_at</c>), as given by the publisher.</summary>
    public string? Watermark { get; init; }

    /// <summary>The Hive partition column, or null.</summary>
    public string? PartitionBy { get; init; }

    /// <summary>The codec of the files.</summary>
    public required string Compression { get; init; }

    /// <summary>The schema.</summary>
    public required IReadOnlyList<DatasetColumn> Columns { get; init; }

    /// <summary>The files, paths relative to the version folder.</summary>
    public required IReadOnlyList<DatasetFile> Files { get; init; }

    /// <summary>Lineage.</summary>
    public required DatasetLineage Lineage { get; init; }

    /// <summary>Rows in all files.</summary>
    public long Rows { get; init; }

    /// <summary>Bytes of all files.</summary>
    public long Bytes { get; init; }
}

/// <summary>One line of a dataset's <c>history.jsonl</c>: a publish or a rollback.</summary>
/// <param name="Action"><c>published</c> or <c>rolled_back</c>.</param>
/// <param name="Version">The version made current.</param>
/// <param name="PreviousVersion">The version current before, or null.</param>
/// <param name="At">When.</param>
public sealed record DatasetHistoryEntry(string Action, string Version, string? PreviousVersion, DateTimeOffset At);

/// <summary>The differences between two versions of a dataset.</summary>
/// <param name="Dataset">The dataset.</param>
/// <param name="From">The first version.</param>
/// <param name="To">The second version.</param>
/// <param name="SchemaChanges">One line per added, removed or changed column; empty when the schemas agree.</param>
/// <param name="FromRows">Rows in <paramref name="From"/>.</param>
/// <param name="ToRows">Rows in <paramref name="To"/>.</param>
/// <param name="PartitionChanges">One line per partition whose row count differs (<c>date_key=2026-11-21: 10 → 12</c>).</param>
public sealed record DatasetDiff(
    string Dataset, string From, string To, IReadOnlyList<string> SchemaChanges, long FromRows, long ToRows, IReadOnlyList<string> PartitionChanges);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(DatasetManifest))]
internal sealed partial class PublisherJsonContext : JsonSerializerContext;

/// <summary>One-line JSON: history lines and notification bodies.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = false)]
[JsonSerializable(typeof(DatasetHistoryEntry))]
[JsonSerializable(typeof(DatasetManifest))]
[JsonSerializable(typeof(Notifications.NotificationBody))]
internal sealed partial class PublisherCompactJsonContext : JsonSerializerContext;
