using System.Text;
using System.Text.Json;

namespace Lakehouse.Publisher;

/// <summary>
/// Published dataset versions on disk: <c>{root}/{dataset}/versions/{version}/</c> (the Parquet files and
/// <c>manifest.json</c>), a <c>CURRENT</c> file naming the current version and a <c>history.jsonl</c> of publishes
/// and rollbacks.
/// </summary>
/// <remarks>
/// A version folder is complete before it appears: it is written under <c>.staging</c>, every file is flushed to disk,
/// then the folder is renamed into <c>versions</c>, and only then is <c>CURRENT</c> replaced by an atomic rename.
/// A reader that resolves <c>CURRENT</c> therefore sees the old version or the new one, never a mix. Version folders
/// are never deleted by this class, so a reader still going through an older version keeps finding its files.
/// </remarks>
public sealed class DatasetStore
{
    private const string CurrentFile = "CURRENT";
    private const string ManifestFile = "manifest.json";
    private const string HistoryFile = "history.jsonl";
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a store over <paramref name="root"/> (created when the first version is published).</summary>
    /// <param name="root">The root folder.</param>
    /// <param name="timeProvider">The clock for history entries; <see cref="TimeProvider.System"/> when null.</param>
    public DatasetStore(string root, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The root folder.</summary>
    public string Root { get; }

    /// <summary>The folder of one version.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="version">The version.</param>
    /// <returns>The full path (which may not exist).</returns>
    public string VersionPath(string dataset, string version) => Path.Combine(DatasetPath(dataset), "versions", CheckVersion(version));

    /// <summary>The datasets with at least one published version.</summary>
    /// <returns>Names, sorted.</returns>
    public IReadOnlyList<string> ListDatasets()
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        var names = new List<string>();
        foreach (string dir in Directory.GetDirectories(Root))
        {
            string name = Path.GetFileName(dir);
            if (DatasetNames.IsValid(name) && File.Exists(Path.Combine(dir, CurrentFile)))
            {
                names.Add(name);
            }
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>The published versions of a dataset, lowest first.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <returns>The versions (folders holding a manifest).</returns>
    public IReadOnlyList<string> ListVersions(string dataset)
    {
        string versions = Path.Combine(DatasetPath(dataset), "versions");
        if (!Directory.Exists(versions))
        {
            return [];
        }

        var list = new List<SemanticVersion>();
        foreach (string dir in Directory.GetDirectories(versions))
        {
            if (SemanticVersion.TryParse(Path.GetFileName(dir), out SemanticVersion v) && File.Exists(Path.Combine(dir, ManifestFile)))
            {
                list.Add(v);
            }
        }

        list.Sort();
        return list.ConvertAll(static v => v.ToString());
    }

    /// <summary>The current version, as named by <c>CURRENT</c>; null when nothing is published.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <returns>The version or null.</returns>
    public string? GetCurrentVersion(string dataset)
    {
        string path = Path.Combine(DatasetPath(dataset), CurrentFile);
        try
        {
            string version = File.ReadAllText(path, Encoding.UTF8).Trim();
            return version.Length == 0 ? null : version;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Reads the manifest of one version.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="version">The version.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="FileNotFoundException">No such version.</exception>
    public DatasetManifest ReadManifest(string dataset, string version)
    {
        string path = Path.Combine(VersionPath(dataset, version), ManifestFile);
        using FileStream stream = File.OpenRead(path);
        return JsonSerializer.Deserialize(stream, PublisherJsonContext.Default.DatasetManifest)
            ?? throw new InvalidDataException($"{path} holds no manifest");
    }

    /// <summary>Resolves <c>CURRENT</c> to its version folder and manifest; what a reader should do before touching files.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <returns>The manifest and the full path of its folder, or null when nothing is published.</returns>
    public (DatasetManifest Manifest, string Folder)? ResolveCurrent(string dataset)
    {
        string? version = GetCurrentVersion(dataset);
        return version is null ? null : (ReadManifest(dataset, version), VersionPath(dataset, version));
    }

    /// <summary>The publish and rollback history of a dataset, oldest first.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <returns>The entries.</returns>
    public IReadOnlyList<DatasetHistoryEntry> ReadHistory(string dataset)
    {
        string path = Path.Combine(DatasetPath(dataset), HistoryFile);
        if (!File.Exists(path))
        {
            return [];
        }

        var entries = new List<DatasetHistoryEntry>();
        foreach (string line in File.ReadLines(path))
        {
            if (line.Length > 0 && JsonSerializer.Deserialize(line, PublisherCompactJsonContext.Default.DatasetHistoryEntry) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    /// <summary>Schema and row-count differences between two versions.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="from">The first version.</param>
    /// <param name="to">The second version.</param>
    /// <returns>The differences.</returns>
    public DatasetDiff Diff(string dataset, string from, string to)
    {
        DatasetManifest a = ReadManifest(dataset, from);
        DatasetManifest b = ReadManifest(dataset, to);
        var partitions = new List<string>();
        Dictionary<string, long> rowsA = RowsByPartition(a);
        Dictionary<string, long> rowsB = RowsByPartition(b);
        foreach (string key in rowsA.Keys.Union(rowsB.Keys).Order(StringComparer.Ordinal))
        {
            long ra = rowsA.GetValueOrDefault(key);
            long rb = rowsB.GetValueOrDefault(key);
            if (ra != rb)
            {
                partitions.Add(FormattableString.Invariant($"{key}: {ra} -> {rb}"));
            }
        }

        return new DatasetDiff(dataset, from, to, SchemaChanges(a.Columns, b.Columns), a.Rows, b.Rows, partitions);
    }

    /// <summary>Makes an earlier (or any published) version current again and records it in the history.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="version">The version to make current.</param>
    /// <returns>The version that was current before.</returns>
    /// <exception cref="FileNotFoundException">The version was never published.</exception>
    public string? Rollback(string dataset, string version)
    {
        _ = ReadManifest(dataset, version); // must exist and be readable before the pointer moves
        string? previous = GetCurrentVersion(dataset);
        SwitchCurrent(dataset, version);
        AppendHistory(dataset, new DatasetHistoryEntry("rolled_back", version, previous, _timeProvider.GetUtcNow()));
        return previous;
    }

    /// <summary>Every change from one column list to the other, one line each.</summary>
    internal static List<string> SchemaChanges(IReadOnlyList<DatasetColumn> from, IReadOnlyList<DatasetColumn> to)
    {
        var changes = new List<string>();
        var byName = from.ToDictionary(static c => c.Name, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (DatasetColumn column in to)
        {
            seen.Add(column.Name);
            if (!byName.TryGetValue(column.Name, out DatasetColumn? old))
            {
                changes.Add($"added '{column.Name}' {column.SqlTypeName()}{(column.IsNullable ? "" : " NOT NULL")}");
            }
            else if (old.Type != column.Type || old.Precision != column.Precision || old.Scale != column.Scale || old.IsNullable != column.IsNullable)
            {
                changes.Add($"changed '{column.Name}' {old.SqlTypeName()}{(old.IsNullable ? "" : " NOT NULL")} -> {column.SqlTypeName()}{(column.IsNullable ? "" : " NOT NULL")}");
            }
        }

        foreach (DatasetColumn column in from)
        {
            if (!seen.Contains(column.Name))
            {
                changes.Add($"removed '{column.Name}' {column.SqlTypeName()}");
            }
        }

        return changes;
    }

    internal string CreateStaging(string dataset, string version)
    {
        string staging = Path.Combine(DatasetPath(dataset), ".staging", CheckVersion(version) + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(staging);
        return staging;
    }

    /// <summary>Writes the manifest into the staging folder, moves the folder into place and switches CURRENT.</summary>
    internal void Commit(string staging, DatasetManifest manifest, string? previous)
    {
        WriteDurably(Path.Combine(staging, ManifestFile), JsonSerializer.SerializeToUtf8Bytes(manifest, PublisherJsonContext.Default.DatasetManifest));
        string target = VersionPath(manifest.Dataset, manifest.Version);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        Directory.Move(staging, target); // rename(2): the version folder appears whole or not at all
        DeleteIfEmpty(Path.GetDirectoryName(staging)!);
        SwitchCurrent(manifest.Dataset, manifest.Version);
        AppendHistory(manifest.Dataset, new DatasetHistoryEntry("published", manifest.Version, previous, manifest.CreatedAt));
    }

    internal static void DeleteStaging(string staging)
    {
        try
        {
            Directory.Delete(staging, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }

        DeleteIfEmpty(Path.GetDirectoryName(staging)!);
    }

    // Another publish of the same dataset may be staging at the same moment: then the folder is not empty and stays.
    private static void DeleteIfEmpty(string folder)
    {
        try
        {
            if (!Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
            }
        }
        catch (IOException)
        {
        }
    }

    private void SwitchCurrent(string dataset, string version)
    {
        string dir = DatasetPath(dataset);
        string temp = Path.Combine(dir, CurrentFile + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        WriteDurably(temp, Encoding.UTF8.GetBytes(version + "\n"));
        File.Move(temp, Path.Combine(dir, CurrentFile), overwrite: true); // rename(2) over the old pointer: atomic
    }

    private void AppendHistory(string dataset, DatasetHistoryEntry entry)
    {
        string line = JsonSerializer.Serialize(entry, PublisherCompactJsonContext.Default.DatasetHistoryEntry);
        using var stream = new FileStream(Path.Combine(DatasetPath(dataset), HistoryFile), FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(Encoding.UTF8.GetBytes(line + "\n"));
        stream.Flush(flushToDisk: true);
    }

    private static void WriteDurably(string path, ReadOnlySpan<byte> bytes)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    private static Dictionary<string, long> RowsByPartition(DatasetManifest manifest)
    {
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (DatasetFile file in manifest.Files)
        {
            string key = manifest.PartitionBy is null ? "(all)" : manifest.PartitionBy + "=" + file.Partition;
            rows[key] = rows.GetValueOrDefault(key) + file.Rows;
        }

        return rows;
    }

    private string DatasetPath(string dataset)
    {
        if (!DatasetNames.IsValid(dataset))
        {
            throw new ArgumentException($"dataset name '{dataset}' must be 1-100 letters, digits, '_' or '-'", nameof(dataset));
        }

        return Path.Combine(Root, dataset);
    }

    private static string CheckVersion(string version) => SemanticVersion.TryParse(version, out _)
        ? version
        : throw new ArgumentException($"'{version}' is not a semantic version major.minor.patch", nameof(version));
}
