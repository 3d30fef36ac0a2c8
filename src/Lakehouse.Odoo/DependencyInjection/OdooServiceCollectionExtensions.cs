using System.Diagnostics.CodeAnalysis;
using Lakehouse.Odoo;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Lakehouse.Odoo: <c>services.AddLakehouseOdoo(o =&gt; …).AddHandler&lt;T&gt;("event.type")</c>.</summary>
public static class OdooServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Odoo event store, processor, sync store, shadow sync and asset catalog. The <see cref="NpgsqlDataSource"/>
    /// comes from the container (register it with <c>AddNpgsqlDataSource</c>; keyed when <see cref="OdooOptions.DataSourceKey"/>
    /// is set). Options bind to <c>Lakehouse:Odoo</c> if you call <c>.Bind</c> on them and are validated at start.
    /// Safe to call more than once.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts <see cref="OdooOptions"/>; optional.</param>
    /// <returns>A builder to add handlers, the hosted processor and the JSON-RPC client.</returns>
    public static LakehouseOdooBuilder AddLakehouseOdoo(this IServiceCollection services, Action<OdooOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<OdooOptions> options = services.AddOptions<OdooOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(static d => d.ServiceType == typeof(OdooRegistrationMarker)))
        {
            // Registered before: only the extra configuration above is new.
            return new LakehouseOdooBuilder(services);
        }

        services.AddSingleton<OdooRegistrationMarker>();
        options.Validate(static o => o.LeaseDuration >= TimeSpan.FromSeconds(1) && o.RetryBaseDelay >= TimeSpan.Zero
                && o.RetryMaxDelay >= o.RetryBaseDelay && o.PollInterval > TimeSpan.Zero,
            "OdooOptions: LeaseDuration must be at least 1 s, RetryBaseDelay ≥ 0, RetryMaxDelay ≥ RetryBaseDelay and PollInterval > 0.")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OdooOptions>, OdooOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => new OdooEventStore(DataSource(sp), sp.GetRequiredService<IOptions<OdooOptions>>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton(static sp => new OdooSyncStore(DataSource(sp), sp.GetRequiredService<IOptions<OdooOptions>>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton(static sp => new AssetCatalog(DataSource(sp), sp.GetService<TimeProvider>()));
        services.TryAddSingleton<OdooEventProcessor>();
        // Needs an IpaiWebhookVerifier in the container: services.AddIpaiWebhookVerifier(o => …) from Lakehouse.Ingest.
        services.TryAddSingleton(static sp => new OdooWebhookReceiver(
            sp.GetRequiredService<Lakehouse.Ingest.IpaiWebhookVerifier>(), sp.GetRequiredService<OdooEventStore>()));
        return new LakehouseOdooBuilder(services);
    }

    internal static NpgsqlDataSource DataSource(IServiceProvider services)
    {
        string? key = services.GetRequiredService<IOptions<OdooOptions>>().Value.DataSourceKey;
        return key is null ? services.GetRequiredService<NpgsqlDataSource>() : services.GetRequiredKeyedService<NpgsqlDataSource>(key);
    }
}

/// <summary>Adds the optional parts of Lakehouse.Odoo; returned by <c>AddLakehouseOdoo</c>.</summary>
public sealed class LakehouseOdooBuilder
{
    internal LakehouseOdooBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Routes events of <paramref name="eventType"/> to <typeparamref name="THandler"/> (registered as scoped).</summary>
    /// <typeparam name="THandler">The handler type.</typeparam>
    /// <param name="eventType">The exact <c>event_type</c>, e.g. <c>project.task.updated</c>.</param>
    /// <returns>This builder.</returns>
    public LakehouseOdooBuilder AddHandler<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(string eventType)
        where THandler : class, IOdooWebhookHandler
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventType);
        Services.TryAddScoped<THandler>();
        Services.AddSingleton(new OdooHandlerRegistration(eventType, typeof(THandler)));
        return this;
    }

    /// <summary>Runs the event processor as a hosted service that polls every <see cref="OdooOptions.PollInterval"/>.</summary>
    /// <returns>This builder.</returns>
    public LakehouseOdooBuilder AddProcessor()
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OdooEventProcessorService>());
        return this;
    }

    /// <summary>Adds the JSON-RPC client and the shadow sync for one Odoo instance, using <paramref name="httpClient"/>'s factory.</summary>
    /// <param name="configure">Sets the server, database and credentials.</param>
    /// <param name="httpClient">Creates the HTTP client; a shared one per registration when <see langword="null"/>.</param>
    /// <returns>This builder.</returns>
    public LakehouseOdooBuilder AddJsonRpcClient(Action<OdooClientOptions> configure, Func<IServiceProvider, HttpClient>? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.AddOptions<OdooClientOptions>().Configure(configure)
            .Validate(static o => o.BaseUrl is not null && o.PageSize > 0, "OdooClientOptions needs BaseUrl and a positive PageSize.")
            .ValidateOnStart();
        Services.TryAddSingleton(sp => new OdooJsonRpcClient(
            httpClient?.Invoke(sp) ?? new HttpClient(), sp.GetRequiredService<IOptions<OdooClientOptions>>().Value));
        Services.TryAddSingleton(static sp => new OdooShadowSync(
            OdooServiceCollectionExtensions.DataSource(sp), sp.GetRequiredService<OdooJsonRpcClient>(),
            sp.GetRequiredService<IOptions<OdooOptions>>(), sp.GetService<TimeProvider>()));
        return this;
    }
}

internal sealed class OdooRegistrationMarker;

/// <summary>Source-generated validation of <see cref="OdooOptions"/> (names each bad member).</summary>
[OptionsValidator]
internal sealed partial class OdooOptionsValidator : IValidateOptions<OdooOptions>;
