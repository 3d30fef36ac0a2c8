using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using FsCheck.Xunit;

namespace Lakehouse.Ingest.Tests;

public sealed class JsonlReaderTests
{
    private const string Minimal = """{"store_id":"102","peso_value":150.50}""";

    public static TheoryData<string, bool> Shapes()
    {
        var data = new TheoryData<string, bool>();
        foreach (string shape in InputShapes.All)
        {
            data.Add(shape, false);
            data.Add(shape, true);
        }

        return data;
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Read_crlf_lf_blank_lines_and_last_line_without_newline_every_shape_same_records(string shape, bool async)
    {
        byte[] input = Utf8(Minimal + "\r\n\r\n   \t\n" + """{"store_id":"7","peso_value":1}""" + "\n" + """{"store_id":"8","peso_value":2}""");

        List<string> got = await Outcomes.ReadAllAsync(InputShapes.Open(shape, input), async);

        Assert.Equal(3, got.Count);
        Assert.StartsWith("1@0 ok store=102 peso=150.50", got[0], StringComparison.Ordinal);
        Assert.StartsWith("4@47 ok store=7 peso=1", got[1], StringComparison.Ordinal);
        Assert.StartsWith("5@79 ok store=8 peso=2", got[2], StringComparison.Ordinal);
        Assert.EndsWith("raw=" + Minimal, got[0], StringComparison.Ordinal); // CR not part of the line
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Read_bom_at_start_is_skipped_but_counted_in_offsets(string shape, bool async)
    {
        byte[] input = [0xEF, 0xBB, 0xBF, .. Utf8(Minimal + "\n" + Minimal)];

        List<string> got = await Outcomes.ReadAllAsync(InputShapes.Open(shape, input), async);

        Assert.Equal(2, got.Count);
        Assert.StartsWith("1@3 ok store=102", got[0], StringComparison.Ordinal);
        Assert.StartsWith("2@42 ok store=102", got[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Read_bom_after_the_start_is_not_skipped()
    {
        byte[] input = [.. Utf8(Minimal + "\n"), 0xEF, 0xBB, 0xBF, .. Utf8(Minimal)];

        List<string> got = Outcomes.ReadAll(JsonlReader.Create(input));

        Assert.Equal("2@39 InvalidJson ", got[1]);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Read_over_long_line_is_an_error_and_the_next_line_still_reads(string shape, bool async)
    {
        string longLine = """{"store_id":"1","peso_value":1,"pad":""" + "\"" + new string('x', 300) + "\"}";
        byte[] input = Utf8(Minimal + "\n" + longLine + "\n" + Minimal + "\n" + longLine);

        List<string> got = await Outcomes.ReadAllAsync(InputShapes.Open(shape, input, new IngestOptions { MaxLineBytes = 100 }), async);

        Assert.Equal(4, got.Count);
        Assert.StartsWith("1@0 ok", got[0], StringComparison.Ordinal);
        Assert.Equal("2@39 LineTooLong ", got[1]);
        Assert.StartsWith($"3@{39 + longLine.Length + 1} ok", got[2], StringComparison.Ordinal);
        Assert.Equal($"4@{(39 * 2) + longLine.Length + 1} LineTooLong ", got[3]);
    }

    [Fact]
    public void Read_line_of_exactly_max_bytes_with_crlf_is_accepted()
    {
        string line = "{\"store_id\":\"1\",\"peso_value\":1,\"p\":\"" + new string('x', 100 - 38) + "\"}";
        Assert.Equal(100, line.Length);

        List<string> got = Outcomes.ReadAll(JsonlReader.Create(Utf8(line + "\r\n" + line + "x\r\n"), new IngestOptions { MaxLineBytes = 100 }));

        Assert.StartsWith("1@0 ok", got[0], StringComparison.Ordinal);
        Assert.Equal("2@102 LineTooLong ", got[1]); // 101 bytes: one over
    }

    [Fact]
    public void Read_ten_megabyte_line_is_skipped_without_buffering_it()
    {
        byte[] big = new byte[10 * 1024 * 1024];
        big.AsSpan().Fill((byte)'x');
        byte[] input = [.. big, (byte)'\n', .. Utf8(Minimal)];
        var stream = new MemoryStream(input);
        using JsonlReader warm = JsonlReader.Create(new MemoryStream(Utf8(Minimal)), new IngestOptions { MaxLineBytes = 4096 });
        warm.Read();

        long before = GC.GetAllocatedBytesForCurrentThread();
        using JsonlReader reader = JsonlReader.Create(stream, new IngestOptions { MaxLineBytes = 4096 });
        Assert.True(reader.Read());
        Assert.Equal(IngestErrorReason.LineTooLong, reader.Error.Reason);
        Assert.True(reader.Read());
        Assert.True(reader.IsValid);
        Assert.Equal(big.Length + 1, reader.ByteOffset);
        Assert.False(reader.Read());
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 1024 * 1024, $"allocated {allocated} bytes reading past a 10 MiB line");
    }

    [Fact]
    public void Read_many_valid_lines_allocates_nothing_per_record()
    {
        byte[] corpus = TransactionCorpus.Bytes(5_000);
        long Measure(byte[] input)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            using JsonlReader reader = JsonlReader.Create(input);
            long sum = 0;
            while (reader.Read())
            {
                TransactionRecord r = reader.Record;
                sum += r.StoreId.Length + r.DeviceId.Length + r.City.Length + r.ItemCount + (long)r.PesoValue + r.EventHash[0];
                sum += r.Timestamp!.Value.Minute + (int)r.PaymentMethod!.Value;
                for (int i = 0; i < r.ItemCount; i++)
                {
                    TransactionItemView item = r.GetItem(i);
                    sum += item.Sku.Length + (long)item.Quantity!.Value + (long)item.UnitPrice!.Value + (int)item.Category!.Value;
                }
            }

            Assert.True(sum > 0);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Measure(corpus); // warm up (JIT, pools)
        long once = Measure(corpus);
        byte[] doubled = [.. corpus, .. corpus];

        // A reader costs a fixed few KB; 5,000 more records must not add to it. A per-record allocation would show in
        // every attempt (>= 120 KB); the least of a few attempts ignores a stray runtime allocation (tiered JIT).
        long extra = LeastOf(() => Measure(doubled) - Measure(corpus));
        Assert.True(extra < 1024, $"5,000 more records allocated {extra} bytes (one reader: {once})");
        Assert.True(once < 64 * 1024, $"a reader over 5,000 records allocated {once} bytes");
    }

    [Fact]
    public void Read_escapes_unknown_fields_and_duplicates_allocate_nothing_per_record()
    {
        string line = """{"store_id":"S\u0031","peso_value":1.5,"payment_method":"gcash","x":{"y":[1,"\n"]},"location":{"city":"Para\u00f1aque","zip":"1700"},"items":[{"sku":"a\tb","qty":2}],"store_id":"S1"}""" + "\r\n";
        long Measure(int lines)
        {
            byte[] input = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(line, lines)));
            long before = GC.GetAllocatedBytesForCurrentThread();
            int good = 0;
            using (JsonlReader reader = JsonlReader.Create(input))
            {
                while (reader.Read())
                {
                    // No Assert inside the loop: xUnit's comparers allocate.
                    good += reader.IsValid && reader.Record.City.Length == 10 ? 1 : 0; // "Parañaque" in UTF-8
                }
            }

            Assert.Equal(lines, good);
            return GC.GetAllocatedBytesForCurrentThread() - before - input.Length;
        }

        Measure(10);
        long extra = LeastOf(() => Measure(5_100) - Measure(100));
        Assert.True(extra < 1024, $"5,000 more records allocated {extra} bytes");
    }

    [Fact]
    public async Task ReadAsync_stream_allocates_nothing_per_record()
    {
        byte[] corpus = TransactionCorpus.Bytes(3_000);
        async Task<long> Measure(byte[] input)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            using JsonlReader reader = JsonlReader.Create(new MemoryStream(input));
            int n = 0;
            while (await reader.ReadAsync())
            {
                n += reader.IsValid ? 1 : 0;
            }

            Assert.True(n > 0);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        await Measure(corpus);
        byte[] doubled = [.. corpus, .. corpus];
        long extra = long.MaxValue;
        for (int attempt = 0; attempt < 5 && extra >= 2048; attempt++)
        {
            extra = Math.Min(extra, await Measure(doubled) - await Measure(corpus));
        }

        Assert.True(extra < 2048, $"3,000 more records allocated {extra} bytes");
    }

    // The least of up to five measurements (stopping at the first small one): allocation that grows with the input
    // shows in every attempt, a one-off allocation by the runtime (tiered compilation) does not.
    private static long LeastOf(Func<long> measure)
    {
        long least = long.MaxValue;
        for (int attempt = 0; attempt < 5 && least >= 1024; attempt++)
        {
            least = Math.Min(least, measure());
        }

        return least;
    }

    [Fact]
    public async Task ReadAsync_cancelled_while_waiting_for_input_throws_operation_cancelled()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Utf8(Minimal + "\n"));
        using JsonlReader reader = JsonlReader.Create(pipe.Reader);
        Assert.True(await reader.ReadAsync());
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadAsync(cts.Token));
    }

    [Fact]
    public async Task Dispose_mid_pipe_leaves_unread_lines_in_the_pipe()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Utf8(Minimal + "\nSECOND\n"));
        await pipe.Writer.CompleteAsync();
        using (JsonlReader reader = JsonlReader.Create(pipe.Reader))
        {
            Assert.True(await reader.ReadAsync());
        }

        ReadResult rest = await pipe.Reader.ReadAsync();
        Assert.Equal("SECOND\n", Encoding.UTF8.GetString(rest.Buffer.ToArray()));
    }

    [Fact]
    public async Task ReadAsync_cancel_pending_read_throws_and_keeps_the_partial_line()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Utf8("{\"store_id\":"));
        using JsonlReader reader = JsonlReader.Create(pipe.Reader);
        ValueTask<bool> pending = reader.ReadAsync();
        pipe.Reader.CancelPendingRead();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);
    }

    [Fact]
    public async Task ReadAsync_pipe_line_split_across_writes_reads_whole()
    {
        var pipe = new Pipe();
        using JsonlReader reader = JsonlReader.Create(pipe.Reader);
        byte[] line = Utf8(Minimal + "\n");
        await pipe.Writer.WriteAsync(line.AsMemory(0, 10));
        ValueTask<bool> pending = reader.ReadAsync();
        await pipe.Writer.WriteAsync(line.AsMemory(10));
        await pipe.Writer.CompleteAsync();

        Assert.True(await pending);
        Assert.True(reader.IsValid);
        Assert.Equal(Minimal, Encoding.UTF8.GetString(reader.CurrentRaw));
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public void Read_empty_input_yields_nothing()
    {
        Assert.Empty(Outcomes.ReadAll(JsonlReader.Create(Array.Empty<byte>())));
        Assert.Empty(Outcomes.ReadAll(JsonlReader.Create(new byte[] { 0xEF, 0xBB, 0xBF })));
        Assert.Empty(Outcomes.ReadAll(JsonlReader.Create(Utf8("\n\r\n  \n"))));
    }

    [Fact]
    public void Record_on_a_bad_line_throws_invalid_operation()
    {
        using JsonlReader reader = JsonlReader.Create(Utf8("nope"));
        Assert.True(reader.Read());
        Assert.False(reader.IsValid);
        Assert.Throws<InvalidOperationException>(() => reader.Record.LineNumber);
    }

    [Property(MaxTest = 150)]
    public bool Read_any_chunking_gives_the_same_records_and_errors(int seed, bool crlf, bool bom, bool finalNewline)
    {
        byte[] input = Mixed(new Random(seed), crlf, bom, finalNewline, out _);
        var options = new IngestOptions { MaxLineBytes = 300 };
        List<string> expected = Outcomes.ReadAll(JsonlReader.Create(input, options));
        foreach (string shape in InputShapes.All)
        {
            foreach (bool async in new[] { false, true })
            {
                List<string> got = Outcomes.ReadAllAsync(InputShapes.Open(shape, input, options, seed), async).GetAwaiter().GetResult();
                Assert.Equal(expected, got);
            }
        }

        return true;
    }

    [Property(MaxTest = 200)]
    public bool Read_garbage_lines_never_throw_and_never_hide_a_valid_line(int seed, bool crlf, bool bom, bool finalNewline)
    {
        byte[] input = Mixed(new Random(seed), crlf, bom, finalNewline, out List<(int Line, string Store)> valid);
        var byLine = new Dictionary<long, string>();
        using (JsonlReader reader = InputShapes.Open("sequence-split", input, new IngestOptions { MaxLineBytes = 300 }, seed))
        {
            while (reader.Read())
            {
                if (reader.IsValid)
                {
                    byLine[reader.LineNumber] = Encoding.UTF8.GetString(reader.Record.StoreId);
                }
                else
                {
                    Assert.NotNull(reader.Error.Message);
                }
            }
        }

        foreach ((int line, string store) in valid)
        {
            Assert.True(byLine.TryGetValue(line, out string? got), $"valid line {line} was not read as valid");
            Assert.Equal(store, got);
        }

        return true;
    }

    /// <summary>Valid events interleaved with random garbage lines (no \n inside), some over-long.</summary>
    private static byte[] Mixed(Random random, bool crlf, bool bom, bool finalNewline, out List<(int Line, string Store)> valid)
    {
        valid = [];
        var bytes = new List<byte>();
        if (bom)
        {
            bytes.AddRange([0xEF, 0xBB, 0xBF]);
        }

        int lines = random.Next(0, 25);
        for (int i = 1; i <= lines; i++)
        {
            switch (random.Next(4))
            {
                case 0:
                case 1:
                    string store = random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    bytes.AddRange(Utf8($$"""{"store_id":"{{store}}","peso_value":{{random.Next(10000)}}.{{random.Next(100):D2}},"payment_method":"gcash"}"""));
                    valid.Add((i, store));
                    break;
                case 2:
                    byte[] garbage = new byte[random.Next(0, 400)];
                    random.NextBytes(garbage);
                    bytes.AddRange(garbage.Select(b => b == (byte)'\n' ? (byte)' ' : b));
                    break;
                default:
                    string[] near = ["{", "[]", "\"x\"", "{\"store_id\":1}", "{\"store_id\":\"1\",\"peso_value\":-1}", "{} {}", "{\"a\":1,}", "null", "  "];
                    bytes.AddRange(Utf8(near[random.Next(near.Length)]));
                    break;
            }

            if (i < lines || finalNewline)
            {
                bytes.AddRange(crlf ? "\r\n"u8.ToArray() : "\n"u8.ToArray());
            }
        }

        return [.. bytes];
    }
}
