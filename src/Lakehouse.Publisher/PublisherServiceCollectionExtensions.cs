using Lakehouse.Publisher;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Lakehouse.Publisher.</summary>
public static class PublisherServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ParquetExporter"/>, <see cref="DatasetStore"/>, <see cref="DatasetPublisher"/>,
    /// <see cref="DatasetSubscriptions"/>, <see cref="DatasetReplicator"/> and <see cref="DatasetUsage"/> as singletons over
    /// the <see cref="NpgsqlDataSource"/> in the container (keyed by <see cref="PublisherOptions.DataSourceKey"/> when set).
    /// Options are checked at start. Calling it again only adds <paramref name="configure"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets options; bind <c>Lakehouse:Publisher</c> with the returned builder's <c>Services</c> if you prefer configuration.</param>
    /// <returns>A builder for further Publisher registrations.</returns>
    public static LakehousePublisherBuilder AddLakehousePublisher(this IServiceCollection services, Action<PublisherOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<PublisherOptions> options = services.AddOptions<PublisherOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(static d => d.ServiceType == typeof(PublisherMarker)))
        {
            return new LakehousePublisherBuilder(services);
        }

        services.AddSingleton<PublisherMarker>();
        options
            .Validate(static o => o.NotificationBaseDelay >= TimeSpan.Zero && o.NotificationBaseDelay <= TimeSpan.FromHours(1),
                "PublisherOptions.NotificationBaseDelay must be between 0 and 1 hour")
            .Validate(static o => o.NotificationTimeout > TimeSpan.Zero && o.NotificationTimeout <= TimeSpan.FromMinutes(5),
                "PublisherOptions.NotificationTimeout must be above 0 and at most 5 minutes")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PublisherOptions>, PublisherOptionsValidator>());

        services.TryAddSingleton(static sp => new ParquetExporter(
            DataSource(sp), Options(sp).ToExportOptions(), sp.GetService<ILogger<ParquetExporter>>()));
        services.TryAddSingleton(static sp => new DatasetStore(Options(sp).Root, Clock(sp)));
        services.TryAddSingleton(static _ => new PublisherHttpClient());
        services.TryAddSingleton(static sp => new DatasetSubscriptions(
            DataSource(sp), sp.GetRequiredService<PublisherHttpClient>().Client, Options(sp), Clock(sp), sp.GetService<ILogger<DatasetSubscriptions>>()));
        services.TryAddSingleton(static sp => new DatasetPublisher(
            DataSource(sp), sp.GetRequiredService<DatasetStore>(), sp.GetRequiredService<ParquetExporter>(), sp.GetRequiredService<DatasetSubscriptions>(),
            Options(sp).ManifestBaseUrl, Clock(sp), sp.GetService<ILogger<DatasetPublisher>>()));
        services.TryAddSingleton(static sp => new DatasetReplicator(
            sp.GetRequiredService<DatasetStore>(), Options(sp).EgressPricePerGb, Options(sp).StoragePricePerGbMonth));
        services.TryAddSingleton(static sp => new DatasetUsage(DataSource(sp), Clock(sp)));
        return new LakehousePublisherBuilder(services);
    }

    private static PublisherOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<PublisherOptions>>().Value;

    private static TimeProvider Clock(IServiceProvider sp) => sp.GetService<TimeProvider>() ?? TimeProvider.System;

    private static NpgsqlDataSource DataSource(IServiceProvider sp) => Options(sp).DataSourceKey is { } key
        ? sp.GetRequiredKeyedService<NpgsqlDataSource>(key)
        : sp.GetRequiredService<NpgsqlDataSource>();

    private sealed class PublisherMarker;

    /// <summary>The client notifications go through, owned by the container (disposed with it).</summary>
    private sealed class PublisherHttpClient : IDisposable
    {
        public HttpClient Client { get; } = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });

        public void Dispose() => Client.Dispose();
    }
}

/// <summary>Returned by <c>AddLakehousePublisher</c>: the place for further Publisher registrations.</summary>
public sealed class LakehousePublisherBuilder
{
    internal LakehousePublisherBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }
}
