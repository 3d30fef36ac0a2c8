using Lakehouse.Ingest;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the webhook verifiers and edge-token services of <c>Lakehouse.Ingest</c>.</summary>
public static class WebhookServiceCollectionExtensions
{
    /// <summary>The options name of <see cref="IpaiWebhookVerifier"/>'s <see cref="WebhookVerificationOptions"/>.</summary>
    public const string IpaiOptionsName = "Lakehouse.Webhooks.Ipai";

    /// <summary>The options name of <see cref="StandardWebhookVerifier"/>'s <see cref="WebhookVerificationOptions"/>.</summary>
    public const string StandardOptionsName = "Lakehouse.Webhooks.Standard";

    /// <summary>
    /// Registers a singleton <see cref="IpaiWebhookVerifier"/>, and an <see cref="InMemoryWebhookReplayCache"/> as
    /// <see cref="IWebhookReplayCache"/> unless one is registered. Options are validated when the host starts.
    /// Safe to call twice (the verifier is registered once; each call's <paramref name="configure"/> applies).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the secrets and, optionally, tolerance and retention.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddIpaiWebhookVerifier(this IServiceCollection services, Action<WebhookVerificationOptions> configure)
    {
        AddWebhookOptions(services, IpaiOptionsName, configure);
        services.TryAddSingleton(static sp => new IpaiWebhookVerifier(
            sp.GetRequiredService<IOptionsMonitor<WebhookVerificationOptions>>().Get(IpaiOptionsName),
            sp.GetRequiredService<IWebhookReplayCache>(),
            sp.GetService<TimeProvider>()));
        return services;
    }

    /// <summary>
    /// Registers a singleton <see cref="StandardWebhookVerifier"/>, and an <see cref="InMemoryWebhookReplayCache"/> as
    /// <see cref="IWebhookReplayCache"/> unless one is registered. Options (including the <c>whsec_</c> secrets)
    /// are validated when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the <c>whsec_</c> secrets and, optionally, tolerance and retention.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddStandardWebhookVerifier(this IServiceCollection services, Action<WebhookVerificationOptions> configure)
    {
        AddWebhookOptions(services, StandardOptionsName, configure);
        services.TryAddSingleton(static sp => new StandardWebhookVerifier(
            sp.GetRequiredService<IOptionsMonitor<WebhookVerificationOptions>>().Get(StandardOptionsName),
            sp.GetRequiredService<IWebhookReplayCache>(),
            sp.GetService<TimeProvider>()));
        return services;
    }

    /// <summary>Registers singleton <see cref="EdgeTokenValidator"/> and <see cref="EdgeTokenIssuer"/> (the issuer needs a secret of at least 32 bytes when resolved).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the secret and, optionally, skew, lifetimes and audience.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddEdgeTokens(this IServiceCollection services, Action<EdgeTokenOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<EdgeTokenOptions>().Configure(configure).Validate(
            static options => Validates(options.Validate),
            "EdgeTokenOptions are invalid (empty secret, clock skew outside 0–60 s, or a non-positive lifetime).").ValidateOnStart();
        services.TryAddSingleton(static sp => new EdgeTokenValidator(sp.GetRequiredService<IOptions<EdgeTokenOptions>>().Value, sp.GetService<TimeProvider>()));
        services.TryAddSingleton(static sp => new EdgeTokenIssuer(sp.GetRequiredService<IOptions<EdgeTokenOptions>>().Value, sp.GetService<TimeProvider>()));
        return services;
    }

    private static void AddWebhookOptions(IServiceCollection services, string name, Action<WebhookVerificationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<WebhookVerificationOptions>(name).Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookVerificationOptions>, WebhookOptionsValidator>());
        services.TryAddSingleton<IWebhookReplayCache>(static _ => new InMemoryWebhookReplayCache());
    }

    private static bool Validates(Action validate)
    {
        try
        {
            validate();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Checks webhook options at start, naming the bad member; Standard secrets are decoded too.</summary>
    private sealed class WebhookOptionsValidator : IValidateOptions<WebhookVerificationOptions>
    {
        public ValidateOptionsResult Validate(string? name, WebhookVerificationOptions options)
        {
            if (name is not (IpaiOptionsName or StandardOptionsName))
            {
                return ValidateOptionsResult.Skip;
            }

            try
            {
                options.ValidateAndGetToleranceSeconds();
                if (name == StandardOptionsName)
                {
                    for (int i = 0; i < options.Secrets.Count; i++)
                    {
                        StandardWebhookSecret.Decode(options.Secrets[i], $"WebhookVerificationOptions.Secrets[{i}]");
                    }
                }

                return ValidateOptionsResult.Success;
            }
            catch (ArgumentException e)
            {
                return ValidateOptionsResult.Fail(e.Message);
            }
        }
    }
}
