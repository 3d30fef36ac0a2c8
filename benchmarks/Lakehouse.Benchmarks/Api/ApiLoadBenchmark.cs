using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Net.Http.Headers;
using System.Runtime;
using System.Text.Json;
using Lakehouse.Ingest;
using Lakehouse.Ingest.Tests;
using Lakehouse.Samples.Api;
using Lakehouse.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Benchmarks.Api;

/// <summary>
/// The Api's load benchmark (issue #8): the real Api on Kestrel at 127.0.0.1 over a throwaway PostgreSQL (the test
/// fixture's server), driven by an in-process HttpClient with a fixed number of JSON Lines requests of distinct
/// generated transactions, bounded by a request count and a time limit. BenchmarkDotNet measures means of repeated
/// invocations and is not made for the latency percentiles of concurrent HTTP requests, so this is a plain timed run.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project benchmarks/Lakehouse.Benchmarks -- load [--requests 400] [--concurrency 8]
/// [--batch 500] [--time-limit 120] [--warmup 100] [--warmup-max 600] [--direct [--pipe]]</c>. Client, server and PostgreSQL share the same machine.
/// </remarks>
internal static class ApiLoadBenchmark
{
    private const string Secret = "load-benchmark-edge-secret-32-bytes!";

    public static async Task<int> RunAsync(string[] args)
    {
        int requests = Option(args, "--requests", 400);
        int concurrency = Option(args, "--concurrency", 8);
        int batch = Option(args, "--batch", 500);
        int limitSeconds = Option(args, "--time-limit", 120);
        int warmup = Option(args, "--warmup", 100);
        int warmupMax = Math.Max(warmup, Option(args, "--warmup-max", 600));
        bool direct = args.Contains("--direct");
        if (requests < 1 || concurrency < 1 || batch < 1 || limitSeconds < 1 || warmup < 0)
        {
            await Console.Error.WriteLineAsync("usage: load [--requests N] [--concurrency C] [--batch B] [--time-limit S] [--warmup W] [--warmup-max M] [--direct [--pipe]]").ConfigureAwait(false);
            return 2;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Generating {requests + warmupMax} bodies of {batch} distinct transactions..."));
        List<byte[]> lines = TransactionCorpus.Lines((requests + warmupMax) * batch, replayShare: 0);
        byte[][] bodies = [.. lines.Chunk(batch).Select(static c => c.SelectMany(static l => l).ToArray())];
        long bodyBytes = bodies.Sum(static b => (long)b.Length);

        var db = new PostgresDatabase();
        await db.InitializeAsync().ConfigureAwait(false);
        try
        {
            await IngestSchema.MigrateAsync(db.DataSource).ConfigureAwait(false);
            WebApplication app = ApiApp.Build([], builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Lakehouse:ConnectionString"] = db.ConnectionString,
                    ["Lakehouse:EdgeTokenSecret"] = Secret,
                    ["Lakehouse:OdooWebhookSecret"] = "unused",
                    ["Lakehouse:Api:RateLimit:PermitsPerSecond"] = "1000000",
                    ["Lakehouse:Api:RateLimit:Burst"] = "1000000",
                });
                builder.Configuration["urls"] = "http://127.0.0.1:0";
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
            });
            await using ConfiguredAsyncDisposable appScope = app.ConfigureAwait(false);
            await app.StartAsync().ConfigureAwait(false);
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            if (!IPAddress.IsLoopback(IPAddress.Parse(address.Host)))
            {
                throw new InvalidOperationException("The load benchmark only targets loopback.");
            }

            var issuer = new EdgeTokenIssuer(new EdgeTokenOptions { Secret = Secret });
            string[] tokens = [.. Enumerable.Range(0, concurrency).Select(i => issuer.Issue("load-pi-" + i.ToString(CultureInfo.InvariantCulture)))];
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false }) { BaseAddress = address };
            BronzeLoader loader = app.Services.GetRequiredService<BronzeLoader>();

            // --direct: the same bodies straight into the Api's BronzeLoader, no HTTP, to show what the host adds.
            bool pipe = args.Contains("--pipe");
            async Task<long> PostAsync(HttpClient http, byte[] body, string token, string device, CancellationToken cancellationToken)
            {
                if (!direct)
                {
                    return await PostHttpAsync(http, body, token, device, cancellationToken).ConfigureAwait(false);
                }

                using JsonlReader reader = pipe
                    ? JsonlReader.Create(System.IO.Pipelines.PipeReader.Create(new MemoryStream(body), new System.IO.Pipelines.StreamPipeReaderOptions(bufferSize: 4096)), loader.Options)
                    : JsonlReader.Create(new MemoryStream(body), loader.Options);
                return (await loader.LoadAsync(reader, new BronzeSource("api:" + device, device), null, cancellationToken).ConfigureAwait(false)).Inserted;
            }

            // Warm-up: JIT, connection pools, the first staging tables; not measured. Tiered compilation needs far more
            // than a few requests on 2 busy cores: until the hot parser, hasher and Kestrel code reaches tier 1, it
            // runs as instrumented (PGO) or tier-0 code, which cost the HTTP path ~10 ms more CPU per request than the
            // steady state in earlier runs. So after the minimum, warm-up goes on (up to --warmup-max requests) until
            // no method was JIT-compiled for 2 s; the count compiled during the measured run is printed.
            int warmed = 0;
            long lastJitCount = JitInfo.GetCompiledMethodCount();
            long lastJitChange = Stopwatch.GetTimestamp();
            while (warmed < warmupMax && (warmed < warmup || Stopwatch.GetElapsedTime(lastJitChange) < TimeSpan.FromSeconds(2)))
            {
                await PostAsync(http, bodies[requests + warmed], tokens[0], "load-pi-0", CancellationToken.None).ConfigureAwait(false);
                warmed++;
                long jitCount = JitInfo.GetCompiledMethodCount();
                if (jitCount != lastJitCount)
                {
                    lastJitCount = jitCount;
                    lastJitChange = Stopwatch.GetTimestamp();
                }
            }

            await db.ExecuteAsync("TRUNCATE scout.bronze_transactions, scout.bronze_rejects, scout.ingestion_status").ConfigureAwait(false);
            var latencies = new double[requests];
            long next = -1, inserted = 0, failed = 0, done = 0;
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(limitSeconds));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Running {(direct ? "(direct, no HTTP) " : "")}{requests} requests x {batch} transactions, concurrency {concurrency}, time limit {limitSeconds} s, against {address}"));
            long jit0 = JitInfo.GetCompiledMethodCount();
            TimeSpan jitTime0 = JitInfo.GetCompilationTime();
            TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            double machine0 = MachineBusySeconds();
            long started = Stopwatch.GetTimestamp();
            Task[] workers = [.. Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
            {
                string device = "load-pi-" + w.ToString(CultureInfo.InvariantCulture);
                long index;
                while (!limit.IsCancellationRequested && (index = Interlocked.Increment(ref next)) < requests)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    long n;
                    try
                    {
                        n = await PostAsync(http, bodies[index], tokens[w], device, limit.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (limit.IsCancellationRequested)
                    {
                        break;
                    }

                    latencies[index] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                    Interlocked.Increment(ref done);
                    if (n < 0)
                    {
                        Interlocked.Increment(ref failed);
                    }
                    else
                    {
                        Interlocked.Add(ref inserted, n);
                    }
                }
            }))];
            await Task.WhenAll(workers).ConfigureAwait(false);
            TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
            double processCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
            double machineCpu = MachineBusySeconds() - machine0;
            long jitted = JitInfo.GetCompiledMethodCount() - jit0;
            TimeSpan jitTime = JitInfo.GetCompilationTime() - jitTime0;

            double[] measured = [.. latencies.Where(static l => l > 0).Order()];
            long inBronze = await db.ScalarAsync<long>("SELECT count(*) FROM scout.bronze_transactions").ConfigureAwait(false);
            double txPerSecond = inserted / elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""

                requests completed   {done} of {requests} ({failed} failed){(limit.IsCancellationRequested ? " -- stopped by the time limit" : "")}
                warm-up              {warmed} requests (until no JIT compilation for 2 s, at least {warmup}, at most {warmupMax})
                transactions         {inserted} inserted (bronze holds {inBronze}); body {bodyBytes / (requests + warmupMax) / 1024.0:0.0} KiB per request
                elapsed              {elapsed.TotalSeconds:0.00} s
                throughput           {txPerSecond:0} transactions/s, {done / elapsed.TotalSeconds:0.0} requests/s
                latency (ms)         p50 {Percentile(measured, 0.50):0.0}  p95 {Percentile(measured, 0.95):0.0}  p99 {Percentile(measured, 0.99):0.0}  max {(measured.Length > 0 ? measured[^1] : 0):0.0}
                cpu                  {processCpu:0.00} s in this process (Api + client), {Math.Max(0, machineCpu - processCpu):0.00} s elsewhere (PostgreSQL, other load), of {elapsed.TotalSeconds * Environment.ProcessorCount:0.00} s available
                jit during the run   {jitted} methods compiled, {jitTime.TotalMilliseconds:0} ms (tiering still running when large: the figures are not steady state)
                aim                  >= 50000 transactions/s with p95 < 50 ms: {(txPerSecond >= 50_000 && Percentile(measured, 0.95) < 50 ? "met" : "not met")}
                """));
            await app.StopAsync().ConfigureAwait(false);
            return failed == 0 && inBronze == inserted ? 0 : 1;
        }
        finally
        {
            await db.DisposeAsync().ConfigureAwait(false);
        }
    }

    // Posts one JSON Lines body; returns the events inserted, or -1 when the Api did not answer 200.
    private static async Task<long> PostHttpAsync(HttpClient http, byte[] body, string token, string device, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ingest-transaction") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("x-device-id", device);
        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return -1;
        }

        byte[] answer = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        using JsonDocument doc = JsonDocument.Parse(answer);
        return doc.RootElement.GetProperty("inserted").GetInt64();
    }

    // Busy CPU seconds of the whole machine (Linux /proc/stat: user + nice + system + irq + softirq), 0 elsewhere.
    private static double MachineBusySeconds()
    {
        if (!File.Exists("/proc/stat"))
        {
            return 0;
        }

        string[] f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long ticks = long.Parse(f[1], CultureInfo.InvariantCulture) + long.Parse(f[2], CultureInfo.InvariantCulture) + long.Parse(f[3], CultureInfo.InvariantCulture)
            + long.Parse(f[6], CultureInfo.InvariantCulture) + long.Parse(f[7], CultureInfo.InvariantCulture);
        return ticks / 100.0;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : fallback;
    }
}
