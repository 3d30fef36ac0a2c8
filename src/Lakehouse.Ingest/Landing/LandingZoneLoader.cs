using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;

namespace Lakehouse.Ingest;

/// <summary>Options of <see cref="LandingZoneLoader"/>.</summary>
public sealed class LandingZoneOptions
{
    /// <summary>The landing zone's root directory, holding <c>{yyyy-MM-dd}/{device_id}/{file}.jsonl</c>.</summary>
    [Required]
    public string Root { get; set; } = "";
}

/// <summary>A file under the landing root whose path does not have the contract's shape; it is not loaded.</summary>
/// <param name="Path">The path relative to the root, '/'-separated.</param>
/// <param name="Reason">What is wrong with it.</param>
public readonly record struct LandingPathError(string Path, string Reason);

/// <summary>What a landing-zone pass did.</summary>
/// <param name="FilesLoaded">Files loaded now (new, or changed since they were loaded).</param>
/// <param name="FilesSkipped">Files already loaded with the same content.</param>
/// <param name="Totals">The line counts of the files loaded now.</param>
/// <param name="BadPaths">Files whose path breaks the contract.</param>
public sealed record LandingZoneResult(int FilesLoaded, int FilesSkipped, BronzeLoadResult Totals, IReadOnlyList<LandingPathError> BadPaths);

/// <summary>
/// Loads a landing zone, <c>{root}/{yyyy-MM-dd}/{device_id}/{file}.jsonl</c>, into bronze with
/// <see cref="BronzeLoader"/>, each file exactly once: files are remembered in <c>scout.landing_files</c> by
/// path (relative to the root) and SHA-256 of their content, so a restart skips them and a file rewritten with
/// new content is loaded again (event dedup keeps bronze unique).
/// </summary>
/// <remarks>
/// Only <c>*.jsonl</c> files are considered, so uploaders should write under another name and rename when done.
/// A crash part-way through a file leaves it unrecorded; the next pass loads it again and the dedup key absorbs
/// what had already landed. Several hosts may load the same zone at once: each file is taken by one of them at a
/// time (a PostgreSQL advisory lock per path), and the others count it as skipped.
/// </remarks>
public sealed class LandingZoneLoader
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly BronzeLoader _bronze;
    private readonly LandingZoneOptions _options;

    /// <summary>A loader for the zone at <see cref="LandingZoneOptions.Root"/>.</summary>
    /// <param name="dataSource">The caller's data source (the same database as <paramref name="bronze"/>).</param>
    /// <param name="bronze">Loads each file's lines.</param>
    /// <param name="options">Where the zone is.</param>
    public LandingZoneLoader(NpgsqlDataSource dataSource, BronzeLoader bronze, LandingZoneOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(bronze);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Root);
        _dataSource = dataSource;
        _bronze = bronze;
        _options = options;
    }

    /// <summary>Loads every new or changed file of the zone, in path order.</summary>
    /// <param name="progress">Receives the running totals of the file being loaded; optional.</param>
    /// <param name="cancellationToken">Cancels; files already recorded stay recorded.</param>
    /// <returns>What was loaded, skipped and refused.</returns>
    /// <exception cref="DirectoryNotFoundException">The root does not exist.</exception>
    public async Task<LandingZoneResult> LoadAsync(IProgress<BronzeLoadResult>? progress = null, CancellationToken cancellationToken = default)
    {
        string root = Path.GetFullPath(_options.Root);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The landing root '{root}' does not exist.");
        }

        var files = new List<(string Full, string Relative, DateOnly Day, string Device)>();
        var bad = new List<LandingPathError>();
        foreach (string full in Directory.EnumerateFiles(root, "*.jsonl", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(root, full).Replace('\\', '/');
            if (TryParsePath(relative, out DateOnly day, out string? device, out string? error))
            {
                files.Add((full, relative, day, device));
            }
            else
            {
                bad.Add(new LandingPathError(relative, error));
            }
        }

        files.Sort(static (a, b) => string.CompareOrdinal(a.Relative, b.Relative));
        bad.Sort(static (a, b) => string.CompareOrdinal(a.Path, b.Path));
        int loaded = 0, skipped = 0;
        BronzeLoadResult totals = default;
        foreach ((string full, string relative, DateOnly day, string device) in files)
        {
            byte[] sha;
            long size;
            FileStream hashStream = File.OpenRead(full);
            await using (hashStream.ConfigureAwait(false))
            {
                size = hashStream.Length;
                sha = await SHA256.HashDataAsync(hashStream, cancellationToken).ConfigureAwait(false);
            }

            if (await IsRecordedAsync(relative, sha, cancellationToken).ConfigureAwait(false))
            {
                skipped++;
                continue;
            }

            // Hosts loading the same zone side by side take the file in turns: a session advisory lock per path, held
            // on its own connection while the file loads (released by the server if this process dies). A host that
            // finds the file taken leaves it; one that gets it after another host finished sees it recorded.
            NpgsqlConnection lockConnection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (lockConnection.ConfigureAwait(false))
            {
                if (!await PathLockAsync(lockConnection, TryLockSql, relative, cancellationToken).ConfigureAwait(false))
                {
                    skipped++;
                    continue;
                }

                try
                {
                    if (await IsRecordedAsync(relative, sha, cancellationToken).ConfigureAwait(false))
                    {
                        skipped++;
                        continue;
                    }

                    BronzeLoadResult result;
                    FileStream stream = new(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
                    await using (stream.ConfigureAwait(false))
                    {
                        result = await _bronze.LoadAsync(stream, new BronzeSource(relative, device), progress, cancellationToken).ConfigureAwait(false);
                    }

                    await RecordAsync(relative, sha, size, device, day, result, cancellationToken).ConfigureAwait(false);
                    totals += result;
                    loaded++;
                }
                finally
                {
                    await PathLockAsync(lockConnection, UnlockSql, relative, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }

        return new LandingZoneResult(loaded, skipped, totals, bad);
    }

    /// <summary>Checks a path (relative to the root) against <c>{yyyy-MM-dd}/{device_id}/{file}.jsonl</c>.</summary>
    internal static bool TryParsePath(string relative, out DateOnly day, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? device,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        day = default;
        device = null;
        string[] parts = relative.Split('/');
        if (parts.Length != 3)
        {
            error = "expected {yyyy-MM-dd}/{device_id}/{file}.jsonl, got " + parts.Length.ToString(CultureInfo.InvariantCulture) + " path segment(s)";
            return false;
        }

        if (parts[0].Length != 10 || !DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
        {
            error = "'" + parts[0] + "' is not a date in yyyy-MM-dd form";
            return false;
        }

        if (parts[1].Length == 0 || parts[1][0] == '.' || parts[1].Length > 128 || !parts[1].All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            error = "'" + parts[1] + "' is not a device id (1–128 of A–Z a–z 0–9 . _ -, not starting with '.')";
            return false;
        }

        if (parts[2].Length <= ".jsonl".Length || parts[2][0] == '.')
        {
            error = "'" + parts[2] + "' is not a file name";
            return false;
        }

        device = parts[1];
        error = null;
        return true;
    }

    private const string TryLockSql = "SELECT pg_try_advisory_lock(hashtextextended('lakehouse.landing:' || @path, 0))";
    private const string UnlockSql = "SELECT pg_advisory_unlock(hashtextextended('lakehouse.landing:' || @path, 0))";

    private static async Task<bool> PathLockAsync(NpgsqlConnection connection, string sql, string path, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string>("path", path));
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task<bool> IsRecordedAsync(string path, byte[] sha, CancellationToken cancellationToken)
    {
        using NpgsqlCommand command = _dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM scout.landing_files WHERE path = @path AND sha256 = @sha)");
        command.Parameters.Add(new NpgsqlParameter<string>("path", path));
        command.Parameters.Add(new NpgsqlParameter<byte[]>("sha", sha));
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task RecordAsync(string path, byte[] sha, long size, string device, DateOnly day, BronzeLoadResult result, CancellationToken cancellationToken)
    {
        using NpgsqlCommand command = _dataSource.CreateCommand("""
            INSERT INTO scout.landing_files (path, sha256, size_bytes, device_id, day, lines, inserted, duplicates, rejected)
            VALUES (@path, @sha, @size, @device, @day, @lines, @inserted, @duplicates, @rejected)
            ON CONFLICT (path, sha256) DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("path", path));
        command.Parameters.Add(new NpgsqlParameter<byte[]>("sha", sha));
        command.Parameters.Add(new NpgsqlParameter<long>("size", size));
        command.Parameters.Add(new NpgsqlParameter<string>("device", device));
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("day", NpgsqlDbType.Date) { TypedValue = day });
        command.Parameters.Add(new NpgsqlParameter<long>("lines", result.Lines));
        command.Parameters.Add(new NpgsqlParameter<long>("inserted", result.Inserted));
        command.Parameters.Add(new NpgsqlParameter<long>("duplicates", result.Duplicates));
        command.Parameters.Add(new NpgsqlParameter<long>("rejected", result.Rejected));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
