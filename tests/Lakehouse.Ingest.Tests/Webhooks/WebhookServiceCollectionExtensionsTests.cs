using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lakehouse.Ingest.Tests;

public sealed class WebhookServiceCollectionExtensionsTests
{
    private const long Now = 1_763_900_000;

    [Fact]
    public void AddIpaiWebhookVerifier_resolves_verifier_with_container_clock_and_shared_cache()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new ManualClock(Now));
        services.AddIpaiWebhookVerifier(o => o.Secrets.Add("s3cret"));
        services.AddStandardWebhookVerifier(o => o.Secrets.Add(StandardWebhookSigner.GenerateSecret()));
        using ServiceProvider provider = services.BuildServiceProvider(validateScopes: true);

        IpaiWebhookVerifier verifier = provider.GetRequiredService<IpaiWebhookVerifier>();
        byte[] body = "{}"u8.ToArray();
        string signature = IpaiWebhookSigner.Sign("s3cret", Now, body);

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify("1763900000", signature, body));
        Assert.Equal(WebhookVerdict.Replay, verifier.Verify("1763900000", signature, body));
        Assert.Equal(1, Assert.IsType<InMemoryWebhookReplayCache>(provider.GetRequiredService<IWebhookReplayCache>()).Count);
        Assert.NotNull(provider.GetRequiredService<StandardWebhookVerifier>());
    }

    [Fact]
    public void AddIpaiWebhookVerifier_twice_registers_once()
    {
        var services = new ServiceCollection();
        services.AddIpaiWebhookVerifier(o => o.Secrets.Add("a"));
        services.AddIpaiWebhookVerifier(o => o.Secrets.Add("b"));

        Assert.Single(services, d => d.ServiceType == typeof(IpaiWebhookVerifier));
        Assert.Single(services, d => d.ServiceType == typeof(IWebhookReplayCache));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<WebhookVerificationOptions>));
        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.Equal(["a", "b"], provider.GetRequiredService<IOptionsMonitor<WebhookVerificationOptions>>().Get(WebhookServiceCollectionExtensions.IpaiOptionsName).Secrets);
    }

    [Fact]
    public void AddIpaiWebhookVerifier_host_cache_is_kept()
    {
        var services = new ServiceCollection();
        var shared = new InMemoryWebhookReplayCache(10);
        services.AddSingleton<IWebhookReplayCache>(shared);
        services.AddIpaiWebhookVerifier(o => o.Secrets.Add("a"));
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Same(shared, provider.GetRequiredService<IWebhookReplayCache>());
    }

    [Fact]
    public void AddStandardWebhookVerifier_bad_secret_fails_validation_naming_it()
    {
        var services = new ServiceCollection();
        services.AddStandardWebhookVerifier(o => o.Secrets.Add("whsec_dG9vLXNob3J0"));
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(
            () => _ = provider.GetRequiredService<IOptionsMonitor<WebhookVerificationOptions>>().Get(WebhookServiceCollectionExtensions.StandardOptionsName));
        Assert.Contains("Secrets[0]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddEdgeTokens_issuer_and_validator_round_trip()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new ManualClock(Now));
        services.AddEdgeTokens(o => o.Secret = "0123456789abcdef0123456789abcdef");
        using ServiceProvider provider = services.BuildServiceProvider();

        string token = provider.GetRequiredService<EdgeTokenIssuer>().Issue("pi-1");

        Assert.Equal("pi-1", provider.GetRequiredService<EdgeTokenValidator>().Validate(token).DeviceName);
    }

    [Fact]
    public void AddEdgeTokens_skew_over_60_fails_validation()
    {
        var services = new ServiceCollection();
        services.AddEdgeTokens(o =>
        {
            o.Secret = "x";
            o.ClockSkew = TimeSpan.FromMinutes(5);
        });
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<EdgeTokenValidator>());
    }
}
