using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Lakehouse.Publisher.Export;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Parquet;
using Parquet.Schema;

namespace Lakehouse.Publisher;

/// <summary>
/// Exports a PostgreSQL table or query to Parquet files, streaming rows with binary <c>COPY … TO STDOUT</c> so memory
/// stays bounded by one row group whatever the source size. Partitioned datasets are written as Hive-style folders.
/// </summary>
/// <remarks>
/// Before any row is read the declared columns are checked against the live ones and against the PII flags
/// (<see cref="DatasetSchemaException"/>). For a partitioned dataset the source is read <c>ORDER BY</c> the partition
/// column, so that each partition arrives in one run and only one file is open at a time; PostgreSQL does the sort
/// (spilling to disk past <c>work_mem</c>).
/// </remarks>
public sealed partial class ParquetExporter
{
    private const int InitialCapacity = 4096;
    private readonly NpgsqlDataSource? _dataSource;
    private readonly ParquetExportOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates an exporter.</summary>
    /// <param name="dataSource">The PostgreSQL to read from.</param>
    /// <param name="options">File options; defaults when null.</param>
    /// <param name="logger">Receives one line per file; optional.</param>
    public ParquetExporter(NpgsqlDataSource dataSource, ParquetExportOptions? options = null, ILogger<ParquetExporter>? logger = null)
        : this(options, logger)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    /// <summary>Creates an exporter without a database, for <see cref="ExportRowsAsync"/> only.</summary>
    /// <param name="options">File options; defaults when null.</param>
    /// <param name="logger">Receives one line per file; optional.</param>
    public ParquetExporter(ParquetExportOptions? options, ILogger<ParquetExporter>? logger = null)
    {
        _options = options ?? new ParquetExportOptions();
        if (_options.RowGroupMaxRows < 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.RowGroupMaxRows, "RowGroupMaxRows must be at least 1000");
        }

        if (_options.RowGroupMaxBytes < 64 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.RowGroupMaxBytes, "RowGroupMaxBytes must be at least 65536");
        }

        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    private NpgsqlDataSource DataSource => _dataSource
        ?? throw new InvalidOperationException("this exporter was created without a data source: it can only export rows held in memory (ExportRowsAsync)");

    /// <summary>The codec files are written with.</summary>
    public ParquetCompression Compression => _options.Compression;

    /// <summary>Compares the declaration with the live source and the PII flags.</summary>
    /// <param name="definition">The dataset.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>One line per problem; empty when the dataset can be exported.</returns>
    public async Task<IReadOnlyList<string>> CheckSchemaAsync(DatasetDefinition definition, CancellationToken cancellationToken = default)
    {
        List<string> problems = CheckDefinition(definition);
        IReadOnlyList<LiveColumn> live = await LiveSchema.DescribeAsync(DataSource, definition, cancellationToken).ConfigureAwait(false);
        problems.AddRange(LiveSchema.Compare(definition, live));
        return problems;
    }

    /// <summary>
    /// A definition for an ad-hoc query, its columns taken from the live result (unconstrained <c>numeric</c> and other
    /// types without a Parquet mapping are refused, naming the column).
    /// </summary>
    /// <param name="name">The dataset name.</param>
    /// <param name="version">Its semantic version.</param>
    /// <param name="query">A SELECT query.</param>
    /// <param name="partitionBy">The partition column, or null.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The definition.</returns>
    public async Task<DatasetDefinition> DescribeQueryAsync(
        string name, string version, string query, string? partitionBy = null, CancellationToken cancellationToken = default)
    {
        var definition = new DatasetDefinition { Name = name, Version = version, Source = query, IsQuery = true, Columns = [], PartitionBy = partitionBy };
        IReadOnlyList<LiveColumn> live = await LiveSchema.DescribeAsync(DataSource, definition, cancellationToken).ConfigureAwait(false);
        return definition with { Columns = LiveSchema.Infer(live) };
    }

    /// <summary>Exports the dataset into <paramref name="directory"/> (created if needed; existing files of the same name are refused).</summary>
    /// <param name="definition">The dataset.</param>
    /// <param name="directory">The output folder.</param>
    /// <param name="cancellationToken">Cancels the export; files already written stay.</param>
    /// <returns>The files written, with rows, bytes and SHA-256.</returns>
    /// <exception cref="DatasetSchemaException">The declaration differs from the source, or a column is PII.</exception>
    /// <remarks>
    /// The export is recorded in the audit trail (<c>audit.events</c>, action <c>dataset.export</c>) when the database
    /// has one; a publish records <c>dataset.publish</c> instead.
    /// </remarks>
    public async Task<DatasetExportResult> ExportAsync(DatasetDefinition definition, string directory, CancellationToken cancellationToken = default)
    {
        DatasetExportResult result = await ExportCoreAsync(definition, directory, cancellationToken).ConfigureAwait(false);
        var details = new System.Text.Json.Nodes.JsonObject
        {
            ["dataset"] = definition.Name,
            ["version"] = definition.Version,
            ["rows"] = result.Rows,
            ["bytes"] = result.Bytes,
            ["files"] = result.Files.Count,
            ["directory"] = Path.GetFullPath(directory),
        };
        await new Lakehouse.Ingest.AuditLog(DataSource).TryRecordAsync(
            Lakehouse.Ingest.AuditActions.DatasetExport, definition.Name + "@" + definition.Version, details, cancellationToken: cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>The export without its audit record (a publish records its own).</summary>
    internal async Task<DatasetExportResult> ExportCoreAsync(DatasetDefinition definition, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        IReadOnlyList<string> problems = await CheckSchemaAsync(definition, cancellationToken).ConfigureAwait(false);
        if (problems.Count > 0)
        {
            throw new DatasetSchemaException(definition.Name, problems);
        }

        Directory.CreateDirectory(directory);
        IReadOnlyList<DatasetFile> files = await WriteAsync(definition, directory, cancellationToken).ConfigureAwait(false);
        return new DatasetExportResult(files, definition.Columns);
    }

    private static List<string> CheckDefinition(DatasetDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var problems = new List<string>();
        if (!DatasetNames.IsValid(definition.Name))
        {
            problems.Add($"name '{definition.Name}' must be 1-100 letters, digits, '_' or '-'");
        }

        if (!SemanticVersion.TryParse(definition.Version, out _))
        {
            problems.Add($"version '{definition.Version}' is not a semantic version major.minor.patch");
        }

        if (definition.Columns.Count == 0)
        {
            problems.Add("no columns declared");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (DatasetColumn column in definition.Columns)
        {
            if (!seen.Add(column.Name))
            {
                problems.Add($"column '{column.Name}' is declared twice");
            }

            if (column.IsPii)
            {
                problems.Add($"column '{column.Name}' is marked PII and may not be exported (drop it from the dataset or mask it in the source query)");
            }

            if (column.Type == DatasetColumnType.Numeric && (column.Precision is < 1 or > 28 || column.Scale < 0 || column.Scale > column.Precision))
            {
                problems.Add($"column '{column.Name}': decimal({column.Precision},{column.Scale}) needs precision 1-28 and scale 0-precision");
            }
        }

        if (definition.PartitionBy is { } partition && !seen.Contains(partition))
        {
            problems.Add($"partition column '{partition}' is not declared");
        }

        return problems;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    internal static string CopySql(DatasetDefinition definition)
    {
        var sql = new StringBuilder("COPY (SELECT ");
        for (int i = 0; i < definition.Columns.Count; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append(Quote(definition.Columns[i].Name));
        }

        sql.Append(" FROM ").Append(LiveSchema.SourceSql(definition)).Append(" AS s");
        if (definition.PartitionBy is { } partition)
        {
            sql.Append(" ORDER BY ").Append(Quote(partition)).Append(" NULLS LAST");
        }

        return sql.Append(") TO STDOUT (FORMAT BINARY)").ToString();
    }

    private async Task<IReadOnlyList<DatasetFile>> WriteAsync(DatasetDefinition definition, string directory, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            NpgsqlBinaryExporter exporter = await connection.BeginBinaryExportAsync(CopySql(definition), cancellationToken).ConfigureAwait(false);
            await using (exporter.ConfigureAwait(false))
            {
                return await WriteRowsAsync(definition, directory, new CopyRowSource(exporter), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<IReadOnlyList<DatasetFile>> WriteRowsAsync(DatasetDefinition definition, string directory, RowSource source, CancellationToken cancellationToken)
    {
        int capacity = Math.Min(InitialCapacity, _options.RowGroupMaxRows);
        var buffers = new ColumnBuffer[definition.Columns.Count];
        var fields = new DataField[buffers.Length];
        int partitionIndex = -1;
        for (int i = 0; i < buffers.Length; i++)
        {
            buffers[i] = ColumnBuffer.Create(definition.Columns[i], capacity);
            fields[i] = buffers[i].Field;
            if (definition.Columns[i].Name == definition.PartitionBy)
            {
                partitionIndex = i;
            }
        }

        var schema = new ParquetSchema(fields);
        var parquetOptions = new ParquetOptions
        {
            CompressionMethod = _options.Compression switch
            {
                ParquetCompression.Snappy => CompressionMethod.Snappy,
                ParquetCompression.Gzip => CompressionMethod.Gzip,
                ParquetCompression.None => CompressionMethod.None,
                _ => CompressionMethod.Zstd,
            },
            CompressionLevel = CompressionLevel.Optimal,
        };

        var files = new List<DatasetFile>();
        var partsPerFolder = new Dictionary<string, int>(StringComparer.Ordinal);
        PartFile? file = null;
        string? key = null;
        int count = 0;
        long bytes = 0;
        try
        {
            while (true)
            {
                if (count == capacity)
                {
                    capacity = (int)Math.Min((long)capacity * 2, _options.RowGroupMaxRows);
                    foreach (ColumnBuffer buffer in buffers)
                    {
                        buffer.Grow(capacity);
                    }
                }

                int rowBytes = await source.ReadRowAsync(buffers, count, cancellationToken).ConfigureAwait(false);
                if (rowBytes < 0)
                {
                    break;
                }

                if (partitionIndex >= 0)
                {
                    string rowKey = buffers[partitionIndex].PartitionValue(count);
                    if (key is null)
                    {
                        key = rowKey;
                    }
                    else if (!string.Equals(rowKey, key, StringComparison.Ordinal))
                    {
                        // The row just read opens the next partition: write out the previous one first.
                        if (count > 0)
                        {
                            file ??= await OpenAsync(directory, definition.PartitionBy, key, partsPerFolder, schema, parquetOptions, cancellationToken).ConfigureAwait(false);
                            await file.WriteGroupAsync(buffers, count, cancellationToken).ConfigureAwait(false);
                        }

                        if (file is not null)
                        {
                            files.Add(await CloseAsync(file, cancellationToken).ConfigureAwait(false));
                            file = null;
                        }

                        foreach (ColumnBuffer buffer in buffers)
                        {
                            buffer.MoveToFirst(count);
                        }

                        count = 0;
                        bytes = 0;
                        key = rowKey;
                    }
                }

                count++;
                bytes += rowBytes;
                if (count >= _options.RowGroupMaxRows || bytes >= _options.RowGroupMaxBytes)
                {
                    file ??= await OpenAsync(directory, definition.PartitionBy, key, partsPerFolder, schema, parquetOptions, cancellationToken).ConfigureAwait(false);
                    await file.WriteGroupAsync(buffers, count, cancellationToken).ConfigureAwait(false);
                    count = 0;
                    bytes = 0;
                }
            }

            // An unpartitioned dataset always gets a file, even empty, so that readers see its schema.
            if (count > 0 || (file is null && partitionIndex < 0 && files.Count == 0))
            {
                file ??= await OpenAsync(directory, definition.PartitionBy, key, partsPerFolder, schema, parquetOptions, cancellationToken).ConfigureAwait(false);
                if (count > 0)
                {
                    await file.WriteGroupAsync(buffers, count, cancellationToken).ConfigureAwait(false);
                }
            }

            if (file is not null)
            {
                files.Add(await CloseAsync(file, cancellationToken).ConfigureAwait(false));
                file = null;
            }
        }
        finally
        {
            if (file is not null)
            {
                await file.DisposeAsync().ConfigureAwait(false);
            }
        }

        return files;
    }

    /// <summary>
    /// Exports rows held in memory (the quick start, the in-memory engine, tests) with the same files, checks and
    /// layout as <see cref="ExportAsync(DatasetDefinition, string, CancellationToken)"/>; no database is involved.
    /// </summary>
    /// <param name="definition">The dataset: its columns give the order of each row's values; <see cref="DatasetDefinition.Source"/> is only recorded.</param>
    /// <param name="rows">One array per row, values in column order, of the column's CLR type (<see cref="string"/>,
    /// <see cref="int"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>, <see cref="DateOnly"/>,
    /// <see cref="DateTimeOffset"/> or UTC <see cref="DateTime"/>, <see cref="decimal"/>) or null. For a partitioned
    /// dataset, rows grouped by the partition value give one file per partition (a value seen again opens another part).</param>
    /// <param name="directory">The output folder.</param>
    /// <param name="cancellationToken">Cancels the export; files already written stay.</param>
    /// <returns>The files written, with rows, bytes and SHA-256.</returns>
    /// <exception cref="DatasetSchemaException">The declaration is invalid or a column is PII.</exception>
    /// <exception cref="InvalidOperationException">A NOT NULL column got a null.</exception>
    /// <exception cref="ArgumentException">A row has the wrong number of values.</exception>
    public async Task<DatasetExportResult> ExportRowsAsync(
        DatasetDefinition definition, IEnumerable<object?[]> rows, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        List<string> problems = CheckDefinition(definition);
        if (problems.Count > 0)
        {
            throw new DatasetSchemaException(definition.Name, problems);
        }

        Directory.CreateDirectory(directory);
        using IEnumerator<object?[]> enumerator = rows.GetEnumerator();
        IReadOnlyList<DatasetFile> files = await WriteRowsAsync(definition, directory, new MemoryRowSource(enumerator), cancellationToken).ConfigureAwait(false);
        return new DatasetExportResult(files, definition.Columns);
    }

    /// <summary>Where the rows of an export come from: fills slot <c>row</c> of every buffer, or answers -1 at the end.</summary>
    private abstract class RowSource
    {
        public abstract ValueTask<int> ReadRowAsync(ColumnBuffer[] buffers, int row, CancellationToken cancellationToken);
    }

    private sealed class CopyRowSource(NpgsqlBinaryExporter exporter) : RowSource
    {
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        public override async ValueTask<int> ReadRowAsync(ColumnBuffer[] buffers, int row, CancellationToken cancellationToken)
        {
            if (await exporter.StartRowAsync(cancellationToken).ConfigureAwait(false) == -1)
            {
                return -1;
            }

            int bytes = 0;
            foreach (ColumnBuffer buffer in buffers)
            {
                bytes += await buffer.ReadAsync(exporter, row, cancellationToken).ConfigureAwait(false);
            }

            return bytes;
        }
    }

    private sealed class MemoryRowSource(IEnumerator<object?[]> rows) : RowSource
    {
        private long _index;

        public override ValueTask<int> ReadRowAsync(ColumnBuffer[] buffers, int row, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!rows.MoveNext())
            {
                return new ValueTask<int>(-1);
            }

            object?[] values = rows.Current ?? throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"row {_index} is null"));
            if (values.Length != buffers.Length)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"row {_index} has {values.Length} values but the dataset declares {buffers.Length} columns"));
            }

            _index++;
            int bytes = 0;
            for (int i = 0; i < buffers.Length; i++)
            {
                bytes += buffers[i].Set(row, values[i]);
            }

            return new ValueTask<int>(bytes);
        }
    }

    private static async Task<PartFile> OpenAsync(
        string directory, string? partitionBy, string? key, Dictionary<string, int> partsPerFolder,
        ParquetSchema schema, ParquetOptions options, CancellationToken cancellationToken)
    {
        string folder = partitionBy is null ? "" : partitionBy + "=" + (key ?? HivePath.NullPartition);
        partsPerFolder.TryGetValue(folder, out int part);
        partsPerFolder[folder] = part + 1;
        string name = "part-" + part.ToString("D5", CultureInfo.InvariantCulture) + ".parquet";
        string relative = folder.Length == 0 ? name : folder + "/" + name;
        string full = Path.Combine(directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var stream = new FileStream(full, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        try
        {
            ParquetWriter writer = await ParquetWriter.CreateAsync(schema, stream, options, append: false, cancellationToken).ConfigureAwait(false);
            return new PartFile(stream, writer, relative, partitionBy is null ? null : key);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<DatasetFile> CloseAsync(PartFile file, CancellationToken cancellationToken)
    {
        await file.Writer.DisposeAsync().ConfigureAwait(false);
        file.Stream.Flush(flushToDisk: true);
        file.Stream.Position = 0;
        byte[] hash = await SHA256.HashDataAsync(file.Stream, cancellationToken).ConfigureAwait(false);
        var result = new DatasetFile(file.RelativePath, file.Rows, file.Stream.Length, Convert.ToHexStringLower(hash), file.Partition);
        await file.Stream.DisposeAsync().ConfigureAwait(false);
        LogFileWritten(_logger, result.Path, result.Rows, result.Bytes);
        return result;
    }

    [LoggerMessage(1, LogLevel.Debug, "Wrote {Path}: {Rows} rows, {Bytes} bytes")]
    private static partial void LogFileWritten(ILogger logger, string path, long rows, long bytes);

    private sealed class PartFile(FileStream stream, ParquetWriter writer, string relativePath, string? partition) : IAsyncDisposable
    {
        public FileStream Stream { get; } = stream;

        public ParquetWriter Writer { get; } = writer;

        public string RelativePath { get; } = relativePath;

        public string? Partition { get; } = partition;

        public long Rows { get; private set; }

        public async Task WriteGroupAsync(ColumnBuffer[] buffers, int count, CancellationToken cancellationToken)
        {
            using ParquetRowGroupWriter group = Writer.CreateRowGroup();
            foreach (ColumnBuffer buffer in buffers)
            {
                await buffer.WriteAsync(group, count, cancellationToken).ConfigureAwait(false);
            }

            group.CompleteValidate();
            Rows += count;
        }

        public async ValueTask DisposeAsync()
        {
            await Writer.DisposeAsync().ConfigureAwait(false);
            await Stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
