namespace Lakehouse.Publisher;

/// <summary>
/// A second location published versions are copied to (a local or mounted path now; an object store such as S3
/// implements the same four operations). Paths are relative, with <c>/</c> separators: <c>{dataset}/versions/{version}/{file}</c>.
/// </summary>
public interface IDatasetReplicaTarget
{
    /// <summary>A short description for logs and results, e.g. <c>file:///mnt/replica</c>.</summary>
    string Description { get; }

    /// <summary>The lower-case hex SHA-256 of the object at <paramref name="path"/>, or null when there is none.</summary>
    /// <param name="path">The relative path.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The checksum or null.</returns>
    ValueTask<string?> GetSha256Async(string path, CancellationToken cancellationToken = default);

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>, replacing any object there; the object appears whole or not at all.</summary>
    /// <param name="path">The relative path.</param>
    /// <param name="content">The bytes, read to the end.</param>
    /// <param name="cancellationToken">Cancels the write; nothing is left at <paramref name="path"/> then.</param>
    /// <returns>A task that completes when the object is durable.</returns>
    Task PutAsync(string path, Stream content, CancellationToken cancellationToken = default);
}

/// <summary>A replica on a local or mounted file system.</summary>
/// <param name="root">The replica root folder.</param>
public sealed class LocalPathReplicaTarget(string root) : IDatasetReplicaTarget
{
    private readonly string _root = Path.GetFullPath(root ?? throw new ArgumentNullException(nameof(root)));

    /// <inheritdoc />
    public string Description => new Uri(_root).AbsoluteUri;

    /// <inheritdoc />
    public async ValueTask<string?> GetSha256Async(string path, CancellationToken cancellationToken = default)
    {
        string full = FullPath(path);
        if (!File.Exists(full))
        {
            return null;
        }

        FileStream stream = File.OpenRead(full);
        await using (stream.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <inheritdoc />
    public async Task PutAsync(string path, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        string full = FullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + "." + Guid.NewGuid().ToString("N")[..8] + ".partial";
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await content.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private string FullPath(string path)
    {
        string full = Path.GetFullPath(Path.Combine(_root, path));
        return full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? full
            : throw new ArgumentException($"'{path}' leaves the replica root", nameof(path));
    }
}

/// <summary>What a replication did and what it costs.</summary>
/// <param name="Dataset">The dataset.</param>
/// <param name="Version">The version copied.</param>
/// <param name="Target">The target's description.</param>
/// <param name="FilesCopied">Files copied (missing or corrupt at the target).</param>
/// <param name="FilesSkipped">Files already present with the right SHA-256.</param>
/// <param name="BytesCopied">Bytes moved by this run.</param>
/// <param name="BytesStored">Bytes of the whole version at the target.</param>
/// <param name="EgressCost">BytesCopied / 10^9 × the egress price per GB.</param>
/// <param name="MonthlyStorageCost">BytesStored / 10^9 × the storage price per GB-month.</param>
public sealed record ReplicationResult(
    string Dataset, string Version, string Target, int FilesCopied, int FilesSkipped, long BytesCopied, long BytesStored,
    decimal EgressCost, decimal MonthlyStorageCost);

/// <summary>
/// Copies a published version to an <see cref="IDatasetReplicaTarget"/>: data files first, each verified by SHA-256
/// after the copy, the manifest last (so a replica with a manifest is complete). Running it again resumes: files
/// already there with the right checksum are skipped, missing or corrupt ones are copied again.
/// </summary>
/// <param name="store">The source store.</param>
/// <param name="egressPricePerGb">Price per GB (10^9 bytes) moved.</param>
/// <param name="storagePricePerGbMonth">Price per GB stored for a month at the target.</param>
public sealed class DatasetReplicator(DatasetStore store, decimal egressPricePerGb = 0.09m, decimal storagePricePerGbMonth = 0.023m)
{
    private const decimal BytesPerGb = 1_000_000_000m;

    /// <summary>Replicates one version.</summary>
    /// <param name="target">Where to.</param>
    /// <param name="dataset">The dataset.</param>
    /// <param name="version">The version; null = the current one.</param>
    /// <param name="cancellationToken">Cancels between and inside files; run again to resume.</param>
    /// <returns>Counts, bytes and the cost estimate.</returns>
    /// <exception cref="InvalidDataException">A file differs from its manifest at the source, or still differs at the target after the copy.</exception>
    public async Task<ReplicationResult> ReplicateAsync(IDatasetReplicaTarget target, string dataset, string? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        version ??= store.GetCurrentVersion(dataset) ?? throw new InvalidOperationException($"dataset '{dataset}' has no published version");
        DatasetManifest manifest = store.ReadManifest(dataset, version);
        string folder = store.VersionPath(dataset, version);
        string prefix = dataset + "/versions/" + version + "/";
        int copied = 0, skipped = 0;
        long bytesCopied = 0;
        foreach (DatasetFile file in manifest.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await target.GetSha256Async(prefix + file.Path, cancellationToken).ConfigureAwait(false) == file.Sha256)
            {
                skipped++;
                continue;
            }

            await CopyAsync(target, Path.Combine(folder, file.Path), prefix + file.Path, file.Sha256, cancellationToken).ConfigureAwait(false);
            copied++;
            bytesCopied += file.Bytes;
        }

        string manifestPath = Path.Combine(folder, "manifest.json");
        string manifestSha = await Sha256Async(manifestPath, cancellationToken).ConfigureAwait(false);
        long manifestBytes = new FileInfo(manifestPath).Length;
        if (await target.GetSha256Async(prefix + "manifest.json", cancellationToken).ConfigureAwait(false) != manifestSha)
        {
            await CopyAsync(target, manifestPath, prefix + "manifest.json", manifestSha, cancellationToken).ConfigureAwait(false);
            bytesCopied += manifestBytes;
        }

        long stored = manifest.Bytes + manifestBytes;
        return new ReplicationResult(dataset, version, target.Description, copied, skipped, bytesCopied, stored,
            Math.Round(bytesCopied / BytesPerGb * egressPricePerGb, 6), Math.Round(stored / BytesPerGb * storagePricePerGbMonth, 6));
    }

    private static async Task CopyAsync(IDatasetReplicaTarget target, string source, string path, string sha256, CancellationToken cancellationToken)
    {
        if (await Sha256Async(source, cancellationToken).ConfigureAwait(false) != sha256)
        {
            throw new InvalidDataException($"{source} does not match its manifest's SHA-256 at the source; not replicated");
        }

        FileStream stream = File.OpenRead(source);
        await using (stream.ConfigureAwait(false))
        {
            await target.PutAsync(path, stream, cancellationToken).ConfigureAwait(false);
        }

        string? copied = await target.GetSha256Async(path, cancellationToken).ConfigureAwait(false);
        if (copied != sha256)
        {
            throw new InvalidDataException($"{path} at {target.Description} has SHA-256 {copied ?? "(missing)"} after the copy, expected {sha256}");
        }
    }

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        FileStream stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
    }
}
