using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Lakehouse.Ingest;
using Npgsql;
using Spectre.Console;

[assembly: InternalsVisibleTo("Lakehouse.Ingest.Tests")]

namespace Lakehouse.Cli;

/// <summary><c>lakehouse ingest &lt;file-or-dir&gt;… --connection …</c>: load JSON Lines files into bronze.</summary>
internal static class IngestCommand
{
    public static Command Create()
    {
        Option<string> connection = CommonOptions.Connection();
        var paths = new Argument<string[]>("paths")
        {
            Description = "JSON Lines files, or directories searched recursively for *.jsonl.",
            Arity = ArgumentArity.OneOrMore,
        };
        var device = new Option<string?>("--device")
        {
            Description = "Device id credited for events without a device_id.",
        };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Lines per transaction.",
            DefaultValueFactory = _ => new BronzeLoaderOptions().BatchSize,
        };
        var command = new Command("ingest", "Validate JSON Lines files and load them into bronze (migrates first; replays change nothing).")
        {
            paths, connection, device, batchSize,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            List<string> files = [];
            foreach (string path in parse.GetValue(paths)!)
            {
                if (Directory.Exists(path))
                {
                    List<string> found = [.. Directory.EnumerateFiles(path, "*.jsonl", SearchOption.AllDirectories)];
                    found.Sort(StringComparer.Ordinal);
                    files.AddRange(found);
                }
                else if (File.Exists(path))
                {
                    files.Add(path);
                }
                else
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"no such file or directory: {path}").ConfigureAwait(false);
                    return 2;
                }
            }

            await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(parse.GetValue(connection)!);
            await IngestSchema.MigrateAsync(dataSource, null, cancellationToken).ConfigureAwait(false);
            var loader = new BronzeLoader(dataSource, null, new BronzeLoaderOptions { BatchSize = parse.GetValue(batchSize) });
            string? deviceId = parse.GetValue(device);
            long totalBytes = files.Sum(static f => new FileInfo(f).Length);
            var stopwatch = Stopwatch.StartNew();
            BronzeLoadResult total = default;

            // A live progress bar only on a terminal; redirected output gets one plain line per file.
            if (!Console.IsOutputRedirected && ReferenceEquals(output, Console.Out))
            {
                await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
                    .StartAsync(async context =>
                    {
                        ProgressTask task = context.AddTask("ingest", maxValue: Math.Max(1, totalBytes));
                        foreach (string file in files)
                        {
                            task.Description = Markup.Escape(Path.GetFileName(file));
                            BronzeLoadResult result = await LoadFileAsync(loader, file, deviceId, cancellationToken).ConfigureAwait(false);
                            total += result;
                            task.Increment(new FileInfo(file).Length);
                        }
                    }).ConfigureAwait(false);
            }
            else
            {
                foreach (string file in files)
                {
                    BronzeLoadResult result = await LoadFileAsync(loader, file, deviceId, cancellationToken).ConfigureAwait(false);
                    total += result;
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{file}: {result.Lines} lines, {result.Inserted} inserted, {result.Duplicates} duplicates, {result.Rejected} rejected")).ConfigureAwait(false);
                }
            }

            double seconds = Math.Max(stopwatch.Elapsed.TotalSeconds, 1e-6);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"files {files.Count}, lines {total.Lines}, valid {total.Valid}, rejected {total.Rejected}, inserted {total.Inserted}, duplicates {total.Duplicates}, {total.Lines / seconds:0} records/s")).ConfigureAwait(false);
            return total.Rejected > 0 ? 1 : 0;
        });
        return command;
    }

    private static async Task<BronzeLoadResult> LoadFileAsync(BronzeLoader loader, string file, string? deviceId, CancellationToken cancellationToken)
    {
        FileStream stream = new(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            return await loader.LoadAsync(stream, new BronzeSource(Path.GetFullPath(file), deviceId), null, cancellationToken).ConfigureAwait(false);
        }
    }
}
