using System.Reflection;
using Lakehouse.Ingest;
using Lakehouse.Samples.Pi.Inbox;
using Lakehouse.Samples.Pi.Spool;
using Lakehouse.Samples.Pi.Upload;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lakehouse.Samples.Pi;

/// <summary>Builds the Pi's Generic Host: configuration, logging, the spool, the inbox, stdin and the uploader.</summary>
internal static class PiHost
{
    public const string Usage = """
        lakehouse-pi: the Lakehouse edge device. Takes POS transactions (JSON Lines) from an inbox folder and,
        with --stdin, from standard input; validates them; keeps the valid lines in a durable local spool; uploads
        them in batches to the Api with the device token, retrying while offline.

        usage: Lakehouse.Samples.Pi [--stdin] [--api-base-url URL] [--device-id ID] [--token-file FILE]
                                    [--inbox DIR] [--spool DIR] [--Pi:<Setting>=<value>]...
               Lakehouse.Samples.Pi --help | --version

        settings (section "Pi": appsettings.json beside the binary, environment LAKEHOUSE_PI__<Setting>, command line):
          ApiBaseUrl        required  base URL of the Api (POST {ApiBaseUrl}/ingest-transaction)
          DeviceId          required  sent as x-device-id
          Token | TokenFile required  the edge-device token (lakehouse token create --role edge_uploader)
          InboxPath         required  folder of complete *.jsonl / *.ndjson files (write *.tmp, then rename)
          SpoolPath         required  durable spool folder (segments, dead/, rejected/)
          SegmentMaxBytes 1048576, SegmentMaxLines 5000, SegmentMaxAge 00:00:30   when a segment is sealed and sent
          InboxPollInterval 00:00:02, InboxSettleTime 00:00:00.5, KeepProcessedFiles false (true: move to done/)
          StdinFlushInterval 00:00:00.2, RequestTimeout 00:00:30, MaxLineBytes 65536
          RetryBaseDelay 00:00:01, RetryMaxDelay 00:01:00, MaxRetryAttempts 2147483647
        exit codes: 0 stopped cleanly, 2 configuration error
        """;

    private static readonly Dictionary<string, string> Switches = new(StringComparer.OrdinalIgnoreCase)
    {
        ["--api-base-url"] = "Pi:ApiBaseUrl",
        ["--device-id"] = "Pi:DeviceId",
        ["--token"] = "Pi:Token",
        ["--token-file"] = "Pi:TokenFile",
        ["--inbox"] = "Pi:InboxPath",
        ["--spool"] = "Pi:SpoolPath",
    };

    public static string Version =>
        typeof(PiHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>Builds the host, or returns the configuration errors.</summary>
    public static (IHost? Host, IReadOnlyList<string> Errors) Build(string[] args, bool readStdin, Action<IServiceCollection>? configureServices = null)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables("LAKEHOUSE_")
            .AddCommandLine(args, Switches);
        builder.Logging
            .AddConfiguration(builder.Configuration.GetSection("Logging"))
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });

        var options = new PiOptions();
        builder.Configuration.GetSection(PiOptions.Section).Bind(options);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        IServiceCollection services = builder.Services;
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddLakehouseIngest(o => o.MaxLineBytes = options.MaxLineBytes);
        services.AddSingleton(sp => SegmentSpool.Open(
            options.SpoolPath!,
            new SpoolLimits(options.SegmentMaxBytes, options.SegmentMaxLines, options.SegmentMaxAge),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SegmentSpool>>()));
        services.AddSingleton(sp => new LineIngestor(sp.GetRequiredService<SegmentSpool>(), sp.GetRequiredService<IOptions<IngestOptions>>().Value));
        services.AddSingleton(_ => new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        })
        { Timeout = options.RequestTimeout });
        services.AddSingleton<SegmentUploader>();
        services.AddHostedService<InboxService>();
        services.AddHostedService<UploadService>();
        if (readStdin)
        {
            services.AddHostedService(sp => new StdinService(
                sp.GetRequiredService<LineIngestor>(), options, sp.GetRequiredService<ILogger<StdinService>>()));
        }

        configureServices?.Invoke(services);
        return (builder.Build(), errors);
    }
}
