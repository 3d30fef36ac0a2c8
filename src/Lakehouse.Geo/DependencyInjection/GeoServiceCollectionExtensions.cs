using Lakehouse.Geo;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Lakehouse.Geo services.</summary>
public static class GeoServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PsgcResolver"/> as a singleton configured by <see cref="GeoOptions"/>, validated when the host
    /// starts. Safe to call more than once: services are added only once, later <paramref name="configure"/> calls still apply.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Optional options setup.</param>
    /// <returns>A builder for further Geo configuration.</returns>
    public static LakehouseGeoBuilder AddLakehouseGeo(this IServiceCollection services, Action<GeoOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<GeoOptions> options = services.AddOptions<GeoOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (!services.Any(static d => d.ServiceType == typeof(PsgcResolver)))
        {
            options.ValidateOnStart();
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GeoOptions>, GeoOptionsValidator>());
        services.TryAddSingleton(static sp => new PsgcResolver(sp.GetRequiredService<IOptions<GeoOptions>>().Value));
        return new LakehouseGeoBuilder(services);
    }
}

/// <summary>Returned by <see cref="GeoServiceCollectionExtensions.AddLakehouseGeo"/> for chaining further Geo configuration.</summary>
public sealed class LakehouseGeoBuilder
{
    internal LakehouseGeoBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection the Geo services were added to.</summary>
    public IServiceCollection Services { get; }
}
