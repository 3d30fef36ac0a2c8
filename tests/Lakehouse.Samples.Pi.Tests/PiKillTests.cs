using System.Globalization;
using Lakehouse.Ingest;
using Lakehouse.Testing;
using Microsoft.AspNetCore.Builder;
using Npgsql;
using Xunit.Abstractions;

namespace Lakehouse.Samples.Pi.Tests;

/// <summary>
/// The Pi as a separate OS process, SIGKILLed at several moments while it ingests and uploads, restarted on the
/// same folders; the real Api on loopback Kestrel over a real PostgreSQL. Nothing may be lost, nothing duplicated.
/// </summary>
public sealed class PiKillTests(PostgresDatabase db, ITestOutputHelper output) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pi-kill-" + Guid.NewGuid().ToString("N"));
    private WebApplication _api = null!;
    private string _address = "";

    public async Task InitializeAsync()
    {
        await IngestSchema.MigrateAsync(db.DataSource);
        (_api, _address) = await TestApi.StartAsync(db);
    }

    public async Task DisposeAsync()
    {
        await TestApi.StopAsync(_api);
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private Dictionary<string, string> Settings(string inbox, string spool, int segmentMaxLines = 15, string segmentMaxAge = "00:00:00.200") => new()
    {
        ["ApiBaseUrl"] = _address,
        ["DeviceId"] = "pi-kill-1",
        ["Token"] = TestApi.Token("pi-kill-1"),
        ["InboxPath"] = inbox,
        ["SpoolPath"] = spool,
        ["SegmentMaxLines"] = segmentMaxLines.ToString(CultureInfo.InvariantCulture),
        ["SegmentMaxAge"] = segmentMaxAge,
        ["InboxPollInterval"] = "00:00:00.100",
        ["InboxSettleTime"] = "00:00:00",
        ["RetryBaseDelay"] = "00:00:00.050",
        ["RetryMaxDelay"] = "00:00:00.500",
    };

    private async Task<long> BronzeCount(string prefix)
    {
        await using NpgsqlCommand command = db.DataSource.CreateCommand("SELECT count(*) FROM scout.bronze_transactions WHERE transaction_id LIKE $1");
        command.Parameters.AddWithValue(prefix + "%");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<List<string>> BronzeIds(string prefix)
    {
        await using NpgsqlCommand command = db.DataSource.CreateCommand("SELECT transaction_id FROM scout.bronze_transactions WHERE transaction_id LIKE $1 ORDER BY 1");
        command.Parameters.AddWithValue(prefix + "%");
        var ids = new List<string>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>
    /// Files of transactions with replays (the same event again, sometimes spelled differently: other key order,
    /// spacing and number spelling, which the event hash treats as the same event) and a few invalid lines.
    /// </summary>
    private static List<(string Name, List<string> Lines)> Corpus(string prefix, int files, int linesPerFile, Random random, HashSet<string> distinct)
    {
        var corpus = new List<(string, List<string>)>();
        var sent = new List<(string Id, decimal Value, int Sku)>();
        for (int f = 0; f < files; f++)
        {
            var lines = new List<string>();
            for (int l = 0; l < linesPerFile; l++)
            {
                int roll = random.Next(100);
                if (roll < 10 && sent.Count > 0)
                {
                    (string id, decimal value, int sku) = sent[random.Next(sent.Count)];
                    // the same event: other key order, spacing, and 12.34 spelled 1234e-2 (same value and scale, so the same jsonb)
                    lines.Add(string.Create(CultureInfo.InvariantCulture,
                        $$"""{ "items": [ {"unit_price": {{value * 100:0}}e-2, "qty": 1, "sku": "S{{sku}}"} ], "payment_method": "gcash", "peso_value": {{value * 100:0}}e-2, "transaction_id": "{{id}}", "store_id": "401" }"""));
                }
                else if (roll < 13)
                {
                    lines.Add(string.Create(CultureInfo.InvariantCulture, $$"""{"store_id":"401","transaction_id":"{{prefix}}bad-{{f}}-{{l}}"}"""));
                }
                else
                {
                    string id = string.Create(CultureInfo.InvariantCulture, $"{prefix}{f:D3}-{l:D3}");
                    decimal value = random.Next(1, 100_000) / 100m;
                    sent.Add((id, value, l));
                    distinct.Add(id);
                    lines.Add(string.Create(CultureInfo.InvariantCulture,
                        $$"""{"store_id":"401","transaction_id":"{{id}}","peso_value":{{value:0.00}},"payment_method":"gcash","items":[{"sku":"S{{l}}","qty":1,"unit_price":{{value:0.00}}}]}"""));
                }
            }

            corpus.Add((string.Create(CultureInfo.InvariantCulture, $"pos-{f:D3}.jsonl"), lines));
        }

        return corpus;
    }

    // Small segments: many uploads to kill in the middle of. Large ones: the open segment outgrows the file
    // buffer (64 KiB), so a kill mid-file can leave a torn last line for recovery to cut (timing decides whether
    // it does; SpoolTests covers the cut itself deterministically).
    [Theory]
    [InlineData("kill-", 24, 40, 15, "00:00:00.200")]
    [InlineData("torn-", 10, 500, 3000, "00:00:01")]
    public async Task Pi_process_SIGKILLed_mid_upload_and_restarted_leaves_exactly_the_distinct_events_in_bronze(
        string prefix, int files, int linesPerFile, int segmentMaxLines, string segmentMaxAge)
    {
        string inbox = Path.Combine(_root, prefix + "inbox"), spool = Path.Combine(_root, prefix + "spool");
        var random = new Random(20261123);
        var distinct = new HashSet<string>();
        List<(string Name, List<string> Lines)> corpus = Corpus(prefix, files, linesPerFile, random, distinct);
        await using var pi = new PiProcess(Settings(inbox, spool, segmentMaxLines, segmentMaxAge));

        const int kills = 5;
        int fed = 0;
        for (int round = 0; round < kills; round++)
        {
            // Feed a share of the files (some before the start, some while it runs).
            int upTo = corpus.Count * (round + 1) / (kills - 1);
            for (; fed < Math.Min(upTo, corpus.Count); fed++)
            {
                PiProcess.DropInboxFile(inbox, corpus[fed].Name, corpus[fed].Lines);
            }

            long before = await BronzeCount(prefix);
            pi.Start();
            if (round == 0)
            {
                await Task.Delay(random.Next(0, 300)); // maybe before it is even ready
            }
            else
            {
                await pi.WaitForReadyAsync(Bound);
                // Kill once uploads are under way: bronze moved since the last run, then a random moment later.
                await PiProcess.WaitUntilAsync(async () => await BronzeCount(prefix) > before || PiProcess.IsDrained(inbox, spool), Bound, "upload progress", pi);
                await Task.Delay(random.Next(0, 150));
            }

            pi.Kill();
            output.WriteLine($"round {round}: killed with {await BronzeCount(prefix)} of {distinct.Count} events in bronze");
        }

        // Last run: let it finish.
        pi.Start();
        await pi.WaitForReadyAsync(Bound);
        await PiProcess.WaitUntilAsync(() => PiProcess.IsDrained(inbox, spool), Bound, "the inbox and the spool to drain", pi);
        Assert.Equal(0, await pi.StopAsync(TimeSpan.FromSeconds(20)));

        List<string> ids = await BronzeIds(prefix);
        Assert.True(distinct.Count == ids.Count, $"bronze holds {ids.Count} rows for {distinct.Count} distinct events\n{pi.Output}");
        Assert.Equal(distinct.Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Empty(Directory.GetFiles(Path.Combine(spool, "dead")));
        Assert.Equal(corpus.Count(c => c.Lines.Exists(l => l.Contains("bad-", StringComparison.Ordinal))), Directory.GetFiles(Path.Combine(spool, "rejected")).Length);
        Assert.True(pi.Starts == kills + 1);
        output.WriteLine(pi.Output);
    }

    [Fact]
    public async Task Pi_process_with_stdin_spools_and_uploads_the_valid_lines()
    {
        const string prefix = "stdin-";
        string inbox = Path.Combine(_root, "inbox-stdin"), spool = Path.Combine(_root, "spool-stdin");
        await using var pi = new PiProcess(Settings(inbox, spool));
        pi.Start(stdin: true);
        await pi.WaitForReadyAsync(Bound);

        for (int i = 0; i < 30; i++)
        {
            await pi.StandardInput.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $$"""{"store_id":"402","peso_value":{{i}},"transaction_id":"{{prefix}}{{i}}"}"""));
        }

        await pi.StandardInput.WriteLineAsync("""{"store_id":"402","transaction_id":"stdin-bad"}""");
        pi.StandardInput.Close();

        await PiProcess.WaitUntilAsync(async () => await BronzeCount(prefix) == 30 && PiProcess.IsDrained(inbox, spool), Bound, "30 stdin events in bronze", pi);
        Assert.Equal(0, await pi.StopAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("stdin-bad", File.ReadAllText(Path.Combine(spool, "rejected", "stdin.rejected.jsonl")));
    }

    [Fact]
    public async Task Pi_process_without_settings_exits_2_naming_what_is_missing()
    {
        await using var pi = new PiProcess(new Dictionary<string, string> { ["InboxPath"] = Path.Combine(_root, "x") });
        pi.Start(false, "--Pi:ApiBaseUrl=");
        Assert.Equal(2, await pi.WaitForExitAsync(Bound));
        Assert.Contains("Pi:DeviceId is required", pi.Output, StringComparison.Ordinal);
        Assert.Contains("Pi:Token or Pi:TokenFile is required", pi.Output, StringComparison.Ordinal);
    }
}
