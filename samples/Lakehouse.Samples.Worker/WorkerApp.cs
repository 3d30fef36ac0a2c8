using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Lakehouse.Samples.Worker;

/// <summary>
/// The Worker host: medallion passes (on bronze notifications, a schedule and a safety interval), Odoo event
/// processing and scheduled dataset publishing, composed from the packages on a Generic Host.
/// </summary>
public static class WorkerApp
{
    /// <summary>Builds the host (not started); <paramref name="configure"/> lets tests and embedders adjust the builder first.</summary>
    /// <param name="args">Command-line arguments (configuration overrides such as <c>--Lakehouse:Migrate=true</c>).</param>
    /// <param name="configure">Adjusts the builder before the worker's services are added; optional.</param>
    /// <returns>The host.</returns>
    /// <exception cref="WorkerStartupException">The connection string is missing or malformed.</exception>
    public static IHost Build(string[] args, Action<HostApplicationBuilder>? configure = null)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
        configure?.Invoke(builder);
        ConfigurationManager config = builder.Configuration;
        IServiceCollection services = builder.Services;
        string connection = ConnectionString(config);

        services.AddSingleton(new WorkerConnection(connection));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => NpgsqlDataSource.Create(connection));
        services.AddSingleton<WorkerStatus>();
        services.AddSingleton<MedallionSignal>();
        services.AddOptions<WorkerOptions>().Bind(config.GetSection(WorkerOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>();

        // Order matters: hosted services start in registration order, so the schema is current (or known to be
        // missing, with a clear error) before anything touches it.
        services.AddHostedService(sp => new StartupCheckService(
            sp.GetRequiredService<NpgsqlDataSource>(), config.GetValue<bool>("Lakehouse:Migrate"),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<StartupCheckService>>()));

        // Package options pass straight through from their sections (Lakehouse:Medallion, Lakehouse:Odoo, Lakehouse:Publisher).
        services.AddLakehouseGeo();
        services.AddLakehouseMedallion(o => config.GetSection("Lakehouse:Medallion").Bind(o));

        // What runs is decided from configuration now; the values themselves are validated when the host starts.
        WorkerOptions plan = config.GetSection(WorkerOptions.Section).Get<WorkerOptions>() ?? new WorkerOptions();
        if (plan.Medallion.Enabled)
        {
            services.AddHostedService<MedallionPassService>();
            if (plan.Medallion.Listen)
            {
                services.AddHostedService<BronzeListenerService>();
            }
        }

        if (plan.Odoo.Enabled)
        {
            LakehouseOdooBuilder odoo = services.AddLakehouseOdoo(o => config.GetSection("Lakehouse:Odoo").Bind(o));
            foreach (string eventType in plan.Odoo.LogEventTypes)
            {
                odoo.AddHandler<LoggingOdooHandler>(eventType);
            }

            odoo.AddProcessor();
        }

        if (plan.Datasets.Count > 0)
        {
            services.AddLakehousePublisher(o => config.GetSection("Lakehouse:Publisher").Bind(o));
            services.AddHostedService<ScheduledPublishService>();
        }

        return builder.Build();
    }

    private static string ConnectionString(ConfigurationManager config)
    {
        string? connection = config["Lakehouse:ConnectionString"];
        if (string.IsNullOrWhiteSpace(connection))
        {
            throw new WorkerStartupException(
                "Lakehouse:ConnectionString is not configured: set it in appsettings.json, as the environment variable " +
                "Lakehouse__ConnectionString, or on the command line (--Lakehouse:ConnectionString \"Host=…;Database=…\").");
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(connection);
        }
        catch (ArgumentException e)
        {
            throw new WorkerStartupException($"Lakehouse:ConnectionString is not a valid PostgreSQL connection string: {e.Message}", e);
        }

        return connection;
    }
}

/// <summary>The worker cannot start: the message says which setting or resource is wrong.</summary>
public sealed class WorkerStartupException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkerStartupException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    public WorkerStartupException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="innerException">The cause.</param>
    public WorkerStartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The connection string the worker was configured with (the listener opens its own connection from it).</summary>
internal sealed record WorkerConnection(string ConnectionString);
