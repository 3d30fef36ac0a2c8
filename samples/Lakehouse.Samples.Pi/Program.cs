using Lakehouse.Samples.Pi;
using Lakehouse.Samples.Pi.Spool;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

if (args.Any(a => a is "--help" or "-h" or "-?"))
{
    Console.WriteLine(PiHost.Usage);
    return 0;
}

if (args.Contains("--version"))
{
    Console.WriteLine(PiHost.Version);
    return 0;
}

bool readStdin = args.Contains("--stdin");
string[] rest = [.. args.Where(a => a != "--stdin")];
(IHost? host, IReadOnlyList<string> errors) = PiHost.Build(rest, readStdin);
if (host is null)
{
    await Console.Error.WriteLineAsync("lakehouse-pi: cannot start, configuration error(s):").ConfigureAwait(false);
    foreach (string error in errors)
    {
        await Console.Error.WriteLineAsync("  - " + error).ConfigureAwait(false);
    }

    return 2;
}

using (host)
{
    ILogger log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Lakehouse.Samples.Pi");
    SegmentSpool spool = host.Services.GetRequiredService<SegmentSpool>(); // opening it runs crash recovery
    PiOptions options = host.Services.GetRequiredService<PiOptions>();
    await host.StartAsync().ConfigureAwait(false);
    PiLog.Ready(log, options.DeviceId!, Path.GetFullPath(options.InboxPath!), spool.Root, spool.SealedSegments().Count, options.ApiBaseUrl!);
    await host.WaitForShutdownAsync().ConfigureAwait(false);
    spool.Flush();
    PiLog.Stopped(log, spool.SealedSegments().Count + (spool.OpenLines > 0 ? 1 : 0));
}

return 0;
