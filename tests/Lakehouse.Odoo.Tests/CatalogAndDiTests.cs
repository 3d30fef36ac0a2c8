using Lakehouse.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Lakehouse.Odoo.Tests;

public sealed class CatalogAndDiTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => OdooSchema.MigrateAsync(db.DataSource);

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("odoo.prod.project.task", true)]
    [InlineData("odoo.prod.account.move", true)]
    [InlineData("scout.lakehouse.gold_daily_metrics", true)]
    [InlineData("odoo.prod", false)]
    [InlineData("Odoo.prod.project", false)]
    [InlineData("odoo..project", false)]
    [InlineData("odoo.prod.project.", false)]
    [InlineData("odoo.prod.project task", false)]
    [InlineData("odoo.prod.project;drop", false)]
    [InlineData("", false)]
    public void IsValidFqdn_accepts_system_db_model_only(string fqdn, bool valid) => Assert.Equal(valid, AssetCatalog.IsValidFqdn(fqdn));

    [Fact]
    public async Task RegisterAsync_stores_odoo_models_and_scout_objects_and_refuses_bad_names()
    {
        await db.ExecuteAsync("CREATE SCHEMA IF NOT EXISTS scout; CREATE TABLE IF NOT EXISTS scout.gold_probe (id int); CREATE OR REPLACE VIEW scout.v_probe AS SELECT 1 AS x;");
        var catalog = new AssetCatalog(db.DataSource, new ManualTimeProvider());

        Assert.Equal("odoo.prod.project.task", await catalog.RegisterOdooModelAsync("prod", "project.task"));
        Assert.True(await catalog.RegisterScoutObjectsAsync() >= 2);
        await Assert.ThrowsAsync<ArgumentException>(() => catalog.RegisterAsync("not a name", AssetType.Dataset));

        Assert.Equal("odoo_model", await db.ScalarAsync<string>("SELECT asset_type FROM catalog.assets WHERE fqdn = 'odoo.prod.project.task'"));
        Assert.Equal("scout_view", await db.ScalarAsync<string>("SELECT asset_type FROM catalog.assets WHERE fqdn LIKE 'scout.%.v_probe'"));
        Assert.Equal("scout_table", await db.ScalarAsync<string>("SELECT asset_type FROM catalog.assets WHERE fqdn LIKE 'scout.%.gold_probe'"));
    }

    [Fact]
    public async Task AddLakehouseOdoo_resolves_everything_and_a_second_call_adds_nothing()
    {
        var services = new ServiceCollection();
        services.AddSingleton(db.DataSource);
        services.AddLakehouseOdoo(o => o.Instance = "prod").AddHandler<NoopHandler>("x.y");
        int count = services.Count(d => d.ServiceType != typeof(IConfigureOptions<OdooOptions>));
        services.AddLakehouseOdoo();
        Assert.Equal(count, services.Count(d => d.ServiceType != typeof(IConfigureOptions<OdooOptions>)));

        await using ServiceProvider provider = services.BuildServiceProvider(validateScopes: true);
        Assert.NotNull(provider.GetRequiredService<OdooEventStore>());
        Assert.NotNull(provider.GetRequiredService<OdooEventProcessor>());
        Assert.NotNull(provider.GetRequiredService<OdooSyncStore>());
        Assert.NotNull(provider.GetRequiredService<AssetCatalog>());
        Assert.Equal("prod", provider.GetRequiredService<IOptions<OdooOptions>>().Value.Instance);
    }

    [Fact]
    public async Task AddLakehouseOdoo_keyed_data_source_is_used_when_configured()
    {
        var services = new ServiceCollection();
        services.AddKeyedSingleton<NpgsqlDataSource>("odoo", db.DataSource);
        services.AddLakehouseOdoo(o => o.DataSourceKey = "odoo");
        await using ServiceProvider provider = services.BuildServiceProvider();
        Assert.NotNull(provider.GetRequiredService<OdooEventStore>());
    }

    [Theory]
    [InlineData("Bad Instance", 5, 300)]
    [InlineData("prod", 0, 300)]
    [InlineData("prod", 5, 0)]
    public async Task AddLakehouseOdoo_bad_options_fail_at_start_naming_the_member(string instance, int maxAttempts, int leaseSeconds)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(db.DataSource);
        builder.Services.AddLakehouseOdoo(o =>
        {
            o.Instance = instance;
            o.MaxAttempts = maxAttempts;
            o.LeaseDuration = TimeSpan.FromSeconds(leaseSeconds);
        });
        using IHost host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(leaseSeconds == 0 ? "LeaseDuration" : instance == "prod" ? "MaxAttempts" : "Instance", error.Message, StringComparison.Ordinal);
    }

    private sealed class NoopHandler : IOdooWebhookHandler
    {
        public Task HandleAsync(OdooEvent odooEvent, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
