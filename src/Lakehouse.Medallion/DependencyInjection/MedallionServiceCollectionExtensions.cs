using Lakehouse.Medallion;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Lakehouse.Medallion: <c>services.AddLakehouseMedallion(o =&gt; …)</c>.</summary>
public static class MedallionServiceCollectionExtensions
{
    /// <summary>
    /// Adds the PostgreSQL engine (<see cref="MedallionRunner"/>) and the <see cref="DataQualityChecker"/>. The
    /// <see cref="NpgsqlDataSource"/> comes from the container (keyed when <see cref="MedallionOptions.DataSourceKey"/> is
    /// set); a <see cref="PlaceResolver"/> registered in the container (else Lakehouse.Geo's <c>PsgcResolver</c> from <c>AddLakehouseGeo()</c>) is used for place names. Options are validated
    /// at start. Safe to call more than once.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts <see cref="MedallionOptions"/>; optional.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddLakehouseMedallion(this IServiceCollection services, Action<MedallionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<MedallionOptions> options = services.AddOptions<MedallionOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(static d => d.ServiceType == typeof(MedallionRegistrationMarker)))
        {
            return services;
        }

        services.AddSingleton<MedallionRegistrationMarker>();
        options.Validate(static o => !string.IsNullOrWhiteSpace(o.DefaultTenantId), "MedallionOptions.DefaultTenantId must not be empty.")
            .Validate(static o => o.BatchSize is > 0 and <= 1_000_000, "MedallionOptions.BatchSize must be in 1..1000000.")
            .Validate(static o => o.MaxClockSkew >= TimeSpan.Zero && o.MaxEventAge > TimeSpan.Zero, "MedallionOptions.MaxClockSkew must be ≥ 0 and MaxEventAge > 0.")
            .Validate(static o => o.AnomalyThreshold > 0, "MedallionOptions.AnomalyThreshold must be > 0.")
            .Validate(static o => o.CustomerKey is not null || o.TenantCustomerKeys.Count > 0,
                "MedallionOptions.CustomerKey is not set: customer ids are pseudonymized under a secret key (Lakehouse:Medallion:CustomerKey:KeyId and :Secret, 32+ random bytes in base64).")
            .Validate(static o => (o.CustomerKey is null || KeyUsable(o.CustomerKey)) && o.TenantCustomerKeys.Values.All(KeyUsable),
                "A customer key is unusable: key ids are 1-16 chars of a-z, 0-9 and '-', secrets at least 32 bytes.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => new MedallionRunner(
            DataSource(sp), Resolver(sp), sp.GetRequiredService<IOptions<MedallionOptions>>(),
            sp.GetService<TimeProvider>(), sp.GetService<ILogger<MedallionRunner>>()));
        services.TryAddSingleton(static sp => new DataQualityChecker(
            DataSource(sp), sp.GetService<System.Diagnostics.Metrics.IMeterFactory>(), sp.GetService<TimeProvider>()));
        return services;
    }

    private static bool KeyUsable(CustomerKey key) => CustomerKey.IsValidKeyId(key.KeyId) && key.Secret is { Length: >= CustomerKey.MinSecretBytes };

    // A PlaceResolver registered by the host wins; else Lakehouse.Geo's resolver when AddLakehouseGeo() registered it.
    private static PlaceResolver? Resolver(IServiceProvider services) =>
        services.GetService<PlaceResolver>()
        ?? (services.GetService<Lakehouse.Geo.PsgcResolver>() is { } psgc ? PsgcPlaceResolver.Create(psgc) : null);

    private static NpgsqlDataSource DataSource(IServiceProvider services)
    {
        string? key = services.GetRequiredService<IOptions<MedallionOptions>>().Value.DataSourceKey;
        return key is null ? services.GetRequiredService<NpgsqlDataSource>() : services.GetRequiredKeyedService<NpgsqlDataSource>(key);
    }

    private sealed class MedallionRegistrationMarker;
}
