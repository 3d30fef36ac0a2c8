using Lakehouse.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Lakehouse.Medallion.Tests;

public sealed class DependencyInjectionTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task AddLakehouseMedallion_resolves_and_a_second_call_adds_nothing()
    {
        var services = new ServiceCollection();
        services.AddSingleton(db.DataSource);
        services.AddSingleton<PlaceResolver>(BronzeCorpus.Resolve);
        services.AddLakehouseMedallion(o =>
        {
            o.BatchSize = 10;
            o.CustomerKey = TestKeys.Customer;
        });
        int count = services.Count(d => d.ServiceType != typeof(IConfigureOptions<MedallionOptions>));
        services.AddLakehouseMedallion();
        Assert.Equal(count, services.Count(d => d.ServiceType != typeof(IConfigureOptions<MedallionOptions>)));

        await using ServiceProvider provider = services.BuildServiceProvider(validateScopes: true);
        Assert.NotNull(provider.GetRequiredService<MedallionRunner>());
        Assert.NotNull(provider.GetRequiredService<DataQualityChecker>());
        Assert.Equal(10, provider.GetRequiredService<IOptions<MedallionOptions>>().Value.BatchSize);
    }

    [Fact]
    public async Task AddLakehouseMedallion_bad_options_fail_at_start()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(db.DataSource);
        builder.Services.AddLakehouseMedallion(o =>
        {
            o.BatchSize = 0;
            o.CustomerKey = TestKeys.Customer;
        });
        using IHost host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("BatchSize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddLakehouseMedallion_without_a_customer_key_fails_at_start_naming_the_option()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(db.DataSource);
        builder.Services.AddLakehouseMedallion();
        using IHost host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("CustomerKey", error.Message, StringComparison.Ordinal);
    }
}
