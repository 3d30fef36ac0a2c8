using System.CommandLine;
using Lakehouse.Ingest;

namespace Lakehouse.Cli;

/// <summary><c>lakehouse hash [files…]</c>: the event hash of every JSON line (the dedup key PostgreSQL agrees with).</summary>
internal static class HashCommand
{
    private const int ReadSize = 64 * 1024;

    public static Command Create()
    {
        var files = new Argument<string[]>("files")
        {
            Description = "JSON Lines files to hash (default: standard input).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command(
            "hash",
            "Print the event hash (lowercase hex SHA-256 of PostgreSQL's jsonb text) of each non-blank JSON line; bad lines are reported on stderr as 'line N: reason'.")
        {
            files,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string[] paths = parse.GetValue(files) ?? [];
            using Stream output = Console.OpenStandardOutput();
            using Stream error = Console.OpenStandardError();
            if (paths.Length == 0)
            {
                using Stream input = Console.OpenStandardInput();
                await RunAsync(input, output, error, null, cancellationToken).ConfigureAwait(false);
                return 0;
            }

            foreach (string path in paths)
            {
                using FileStream input = File.OpenRead(path);
                await RunAsync(input, output, error, paths.Length > 1 ? path : null, cancellationToken).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    /// <summary>
    /// Hashes each line of <paramref name="input"/> (raw bytes, split on <c>\n</c>, a trailing <c>\r</c> removed, a
    /// UTF-8 BOM at the very start skipped, white-space-only lines ignored) and writes one hex hash per line to
    /// <paramref name="output"/>, or <c>line N: reason</c> to <paramref name="error"/>.
    /// </summary>
    public static async Task RunAsync(Stream input, Stream output, Stream error, string? source, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[ReadSize];
        byte[] hash = new byte[EventHasher.HashSizeInBytes];
        using var outBuffer = new MemoryStream();
        int start = 0, end = 0;
        long lineNumber = 0;
        bool first = true;
        bool eof = false;
        while (!eof)
        {
            if (start > 0 && start == end)
            {
                start = end = 0;
            }

            if (end == buffer.Length)
            {
                if (start > 0)
                {
                    // Move the partial line to the front.
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }
                else
                {
                    // One line longer than the buffer: grow it.
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
            }

            int read = await input.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                eof = true;
            }

            end += read;
            if (first && (end - start >= 3 || eof))
            {
                first = false;
                if (buffer.AsSpan(start, end - start).StartsWith("\uFEFF"u8))
                {
                    start += 3;
                }
            }
            else if (first)
            {
                continue;
            }

            while (true)
            {
                int newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
                if (newline < 0 && !(eof && start < end))
                {
                    break;
                }

                int length = newline < 0 ? end - start : newline;
                lineNumber++;
                HashLine(buffer.AsSpan(start, length), lineNumber, hash, outBuffer, error, source);
                start += newline < 0 ? length : length + 1;
            }

            if (outBuffer.Length >= ReadSize || eof)
            {
                await output.WriteAsync(outBuffer.GetBuffer().AsMemory(0, (int)outBuffer.Length), cancellationToken).ConfigureAwait(false);
                outBuffer.SetLength(0);
            }
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        await error.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void HashLine(ReadOnlySpan<byte> line, long lineNumber, byte[] hash, MemoryStream output, Stream error, string? source)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (line.IndexOfAnyExcept(" \t\r\n"u8) < 0)
        {
            return;
        }

        if (!EventHasher.TryComputeHash(line, hash, out string? reason))
        {
            string message = (source is null ? "" : source + ": ") + "line " + lineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) + ": " + reason + "\n";
            error.Write(System.Text.Encoding.UTF8.GetBytes(message));
            return;
        }

        Span<byte> hex = stackalloc byte[(2 * EventHasher.HashSizeInBytes) + 1];
        for (int i = 0; i < EventHasher.HashSizeInBytes; i++)
        {
            hex[2 * i] = (byte)"0123456789abcdef"[hash[i] >> 4];
            hex[(2 * i) + 1] = (byte)"0123456789abcdef"[hash[i] & 0xF];
        }

        hex[^1] = (byte)'\n';
        output.Write(hex);
    }
}
