using Lakehouse.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Lakehouse.Publisher.Tests;

public sealed class DependencyInjectionTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public void AddLakehousePublisher_everything_resolves_over_the_container_data_source()
    {
        var services = new ServiceCollection();
        services.AddSingleton(db.DataSource);
        LakehousePublisherBuilder builder = services.AddLakehousePublisher(o => o.Root = TestData.TempDir());
        using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        provider.GetRequiredService<IStartupValidator>().Validate();
        Assert.Same(services, builder.Services);
        Assert.NotNull(provider.GetRequiredService<ParquetExporter>());
        Assert.NotNull(provider.GetRequiredService<DatasetPublisher>());
        Assert.NotNull(provider.GetRequiredService<DatasetSubscriptions>());
        Assert.NotNull(provider.GetRequiredService<DatasetReplicator>());
        Assert.NotNull(provider.GetRequiredService<DatasetUsage>());
        Assert.Same(provider.GetRequiredService<DatasetStore>(), provider.GetRequiredService<DatasetPublisher>().Store);
    }

    [Fact]
    public void AddLakehousePublisher_twice_adds_no_service_but_keeps_both_configurations()
    {
        var services = new ServiceCollection();
        services.AddLakehousePublisher(o => o.Root = "/a");
        int count = services.Count;

        services.AddLakehousePublisher(o => o.RowGroupMaxRows = 5000);

        Assert.Equal(count + 1, services.Count); // only the second Configure
        using ServiceProvider provider = services.BuildServiceProvider();
        PublisherOptions options = provider.GetRequiredService<IOptions<PublisherOptions>>().Value;
        Assert.Equal(("/a", 5000), (options.Root, options.RowGroupMaxRows));
    }

    [Fact]
    public void AddLakehousePublisher_bad_options_throw_at_start_naming_the_member()
    {
        var services = new ServiceCollection();
        services.AddSingleton(db.DataSource);
        services.AddLakehousePublisher(o =>
        {
            o.RowGroupMaxRows = 10;
            o.NotificationTimeout = TimeSpan.Zero;
        });
        using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Root", error.Message, StringComparison.Ordinal);
        Assert.Contains("RowGroupMaxRows", error.Message, StringComparison.Ordinal);
        Assert.Contains("NotificationTimeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLakehousePublisher_with_data_source_key_resolves_the_keyed_source()
    {
        var services = new ServiceCollection();
        services.AddKeyedSingleton<NpgsqlDataSource>("analytics", db.DataSource);
        services.AddLakehousePublisher(o =>
        {
            o.Root = TestData.TempDir();
            o.DataSourceKey = "analytics";
        });
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.NotNull(provider.GetRequiredService<DatasetUsage>());
        Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddLakehousePublisher(o => o.Root = "/r").Services.BuildServiceProvider().GetRequiredService<DatasetUsage>());
    }
}
