using Lakehouse.Ingest;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Lakehouse.Ingest services.</summary>
public static class LakehouseIngestServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IngestOptions"/> (validated at start-up) and returns a builder for the loaders. Safe to
    /// call more than once: later calls only add their <paramref name="configure"/> action.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options; optional (bind <c>Lakehouse:Ingest</c> with <c>Configure&lt;IngestOptions&gt;</c> instead if you like).</param>
    /// <returns>The builder.</returns>
    public static LakehouseIngestBuilder AddLakehouseIngest(this IServiceCollection services, Action<IngestOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(static d => d.ServiceType == typeof(IngestMarker)))
        {
            services.AddSingleton<IngestMarker>();
            services.AddOptions<IngestOptions>().ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IngestOptions>, IngestOptionsValidator>());
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return new LakehouseIngestBuilder(services);
    }

    internal static NpgsqlDataSource ResolveDataSource(IServiceProvider services, IngestOptions options) =>
        options.DataSourceKey is null
            ? services.GetRequiredService<NpgsqlDataSource>()
            : services.GetRequiredKeyedService<NpgsqlDataSource>(options.DataSourceKey);

    private sealed class IngestMarker;
}

/// <summary>Adds Lakehouse.Ingest features; returned by <see cref="LakehouseIngestServiceCollectionExtensions.AddLakehouseIngest"/>.</summary>
public sealed class LakehouseIngestBuilder
{
    internal LakehouseIngestBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Adds a singleton <see cref="BronzeLoader"/> over the container's <c>NpgsqlDataSource</c> (keyed by
    /// <see cref="IngestOptions.DataSourceKey"/> when set); register the data source yourself, e.g. with <c>AddNpgsqlDataSource</c>.
    /// </summary>
    /// <param name="configure">Configures the loader; optional.</param>
    /// <returns>This builder.</returns>
    public LakehouseIngestBuilder AddBronzeLoader(Action<BronzeLoaderOptions>? configure = null)
    {
        if (!Services.Any(static d => d.ServiceType == typeof(BronzeLoader)))
        {
            Services.AddOptions<BronzeLoaderOptions>().ValidateOnStart();
            Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BronzeLoaderOptions>, BronzeLoaderOptionsValidator>());
            Services.TryAddSingleton(static sp =>
            {
                IngestOptions options = sp.GetRequiredService<IOptions<IngestOptions>>().Value;
                return new BronzeLoader(
                    LakehouseIngestServiceCollectionExtensions.ResolveDataSource(sp, options),
                    options,
                    sp.GetRequiredService<IOptions<BronzeLoaderOptions>>().Value,
                    sp.GetService<ILogger<BronzeLoader>>());
            });
        }

        if (configure is not null)
        {
            Services.Configure(configure);
        }

        return this;
    }

    /// <summary>
    /// Adds a singleton <see cref="AuditLog"/> over the container's <c>NpgsqlDataSource</c> (keyed by
    /// <see cref="IngestOptions.DataSourceKey"/> when set) and the container's <see cref="TimeProvider"/> if any.
    /// </summary>
    /// <param name="actor">The actor written with every record (a host or service name); null = the database login.</param>
    /// <returns>This builder.</returns>
    public LakehouseIngestBuilder AddAuditLog(string? actor = null)
    {
        Services.TryAddSingleton(sp =>
        {
            IngestOptions options = sp.GetRequiredService<IOptions<IngestOptions>>().Value;
            return new AuditLog(LakehouseIngestServiceCollectionExtensions.ResolveDataSource(sp, options), sp.GetService<TimeProvider>(), actor);
        });
        return this;
    }

    /// <summary>Adds a singleton <see cref="LandingZoneLoader"/> (and the <see cref="BronzeLoader"/> it needs).</summary>
    /// <param name="configure">Sets <see cref="LandingZoneOptions.Root"/>.</param>
    /// <returns>This builder.</returns>
    public LakehouseIngestBuilder AddLandingZone(Action<LandingZoneOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        AddBronzeLoader();
        if (!Services.Any(static d => d.ServiceType == typeof(LandingZoneLoader)))
        {
            Services.AddOptions<LandingZoneOptions>().ValidateOnStart();
            Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LandingZoneOptions>, LandingZoneOptionsValidator>());
            Services.TryAddSingleton(static sp =>
            {
                IngestOptions options = sp.GetRequiredService<IOptions<IngestOptions>>().Value;
                return new LandingZoneLoader(
                    LakehouseIngestServiceCollectionExtensions.ResolveDataSource(sp, options),
                    sp.GetRequiredService<BronzeLoader>(),
                    sp.GetRequiredService<IOptions<LandingZoneOptions>>().Value);
            });
        }

        Services.Configure(configure);
        return this;
    }
}
