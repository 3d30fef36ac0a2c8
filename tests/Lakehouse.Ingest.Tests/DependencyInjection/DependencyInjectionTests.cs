using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Lakehouse.Ingest.Tests;

public sealed class DependencyInjectionTests : IDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create("Host=localhost;Database=unused");

    public void Dispose() => _dataSource.Dispose();

    [Fact]
    public void AddLakehouseIngest_everything_resolves_from_the_containers_data_source()
    {
        var services = new ServiceCollection();
        services.AddSingleton(_dataSource);
        services.AddLakehouseIngest(o => o.MaxLineBytes = 64 * 1024)
            .AddBronzeLoader(o => o.BatchSize = 500)
            .AddLandingZone(o => o.Root = "/var/lib/lakehouse/landing");
        using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        BronzeLoader bronze = provider.GetRequiredService<BronzeLoader>();
        Assert.Same(_dataSource, bronze.DataSource);
        Assert.Equal(64 * 1024, bronze.Options.MaxLineBytes);
        Assert.NotNull(provider.GetRequiredService<LandingZoneLoader>());
        Assert.Equal(500, provider.GetRequiredService<IOptions<BronzeLoaderOptions>>().Value.BatchSize);
    }

    [Fact]
    public void AddAuditLog_uses_the_keyed_data_source_and_actor()
    {
        using NpgsqlDataSource other = NpgsqlDataSource.Create("Host=localhost;Database=other");
        var services = new ServiceCollection();
        services.AddSingleton(other);
        services.AddKeyedSingleton("ingest", _dataSource);
        services.AddLakehouseIngest(o => o.DataSourceKey = "ingest").AddAuditLog("worker-1");
        using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        AuditLog audit = provider.GetRequiredService<AuditLog>();
        Assert.Same(_dataSource, audit.DataSource);
        Assert.Equal("worker-1", audit.Actor);
    }

    [Fact]
    public void AddLakehouseIngest_keyed_data_source_is_resolved_by_key()
    {
        using NpgsqlDataSource other = NpgsqlDataSource.Create("Host=localhost;Database=other");
        var services = new ServiceCollection();
        services.AddSingleton(other);
        services.AddKeyedSingleton("ingest", _dataSource);
        services.AddLakehouseIngest(o => o.DataSourceKey = "ingest").AddBronzeLoader();
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Same(_dataSource, provider.GetRequiredService<BronzeLoader>().DataSource);
    }

    [Fact]
    public void AddLakehouseIngest_second_call_adds_nothing()
    {
        var services = new ServiceCollection();
        services.AddLakehouseIngest().AddBronzeLoader().AddLandingZone(o => o.Root = "/x");
        int count = services.Count;
        services.AddLakehouseIngest().AddBronzeLoader();

        Assert.Equal(count, services.Count);
    }

    [Theory]
    [InlineData("MaxLineBytes")]
    [InlineData("MaxPesoValue")]
    [InlineData("BatchSize")]
    [InlineData("Root")]
    public async Task AddLakehouseIngest_bad_options_throw_on_start_naming_the_member(string member)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(_dataSource);
        builder.Services.AddLakehouseIngest(o =>
            {
                if (member == "MaxLineBytes")
                {
                    o.MaxLineBytes = 0;
                }

                if (member == "MaxPesoValue")
                {
                    o.MaxPesoValue = -1;
                }
            })
            .AddBronzeLoader(o => o.BatchSize = member == "BatchSize" ? 0 : 100)
            .AddLandingZone(o => o.Root = member == "Root" ? "" : "/x");
        using IHost host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(member, error.Message, StringComparison.Ordinal);
    }
}
