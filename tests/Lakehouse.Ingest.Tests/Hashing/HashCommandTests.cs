using System.Text;
using Lakehouse.Cli;

namespace Lakehouse.Ingest.Tests.Hashing;

public sealed class HashCommandTests
{
    private static async Task<(string Out, string Err)> RunAsync(byte[] input, int chunk = int.MaxValue)
    {
        using var stdin = new ChunkedStream(input, chunk);
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        await HashCommand.RunAsync(stdin, stdout, stderr, null, CancellationToken.None);
        return (Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()));
    }

    [Fact]
    public async Task RunAsync_mixed_lines_hashes_good_lines_and_reports_bad_ones_by_number()
    {
        byte[] input = Encoding.UTF8.GetBytes("\uFEFF{\"b\":1,\"a\":2}\r\n\n  \t \r\n{\"a\":x}\n[1e2]\n{\"a\": 2, \"b\": 1}");

        (string output, string error) = await RunAsync(input);

        string expected = EventHasher.ComputeHashHex("{\"a\": 2, \"b\": 1}"u8);
        Assert.Equal($"{expected}\n{EventHasher.ComputeHashHex("[100]"u8)}\n{expected}\n", output);
        Assert.Equal("line 4: unexpected character 'x' at byte 5\n", error);
    }

    [Fact]
    public async Task RunAsync_invalid_utf8_and_long_lines_in_small_reads_are_handled()
    {
        string longLine = "{\"note\":\"" + new string('x', 200_000) + "\"}";
        byte[] input = [.. Encoding.UTF8.GetBytes(longLine + "\n"), 0x22, 0xC0, 0x80, 0x22, (byte)'\n', .. "1"u8];

        (string output, string error) = await RunAsync(input, chunk: 7);

        Assert.Equal(EventHasher.ComputeHashHex(Encoding.UTF8.GetBytes(longLine)) + "\n" + EventHasher.ComputeHashHex("1"u8) + "\n", output);
        Assert.Equal("line 2: invalid UTF-8 at byte 1\n", error);
    }

    [Fact]
    public async Task RunAsync_empty_input_writes_nothing()
    {
        (string output, string error) = await RunAsync([]);

        Assert.Equal("", output);
        Assert.Equal("", error);
    }

    // Returns at most `chunk` bytes per read, as a pipe would.
    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
