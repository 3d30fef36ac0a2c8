using Lakehouse.Cli;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Lakehouse.Geo.Tests;

public sealed class GeoServicesAndCliTests
{
    [Fact]
    public void AddLakehouseGeo_registers_a_configured_singleton_resolver()
    {
        var services = new ServiceCollection();
        LakehouseGeoBuilder builder = services.AddLakehouseGeo(o => o.CacheSize = 5);
        Assert.Same(services, builder.Services);
        using ServiceProvider provider = services.BuildServiceProvider();
        PsgcResolver resolver = provider.GetRequiredService<PsgcResolver>();
        Assert.Same(resolver, provider.GetRequiredService<PsgcResolver>());
        Assert.Equal(5, provider.GetRequiredService<IOptions<GeoOptions>>().Value.CacheSize);
        Assert.Equal("1381300000", resolver.Resolve(null, null, "QC").CityMunicipalityCode);
    }

    [Fact]
    public void AddLakehouseGeo_called_twice_adds_nothing_more()
    {
        var services = new ServiceCollection();
        services.AddLakehouseGeo();
        int count = services.Count;
        services.AddLakehouseGeo();
        Assert.Equal(count, services.Count);
        Assert.Single(services, d => d.ServiceType == typeof(PsgcResolver));
    }

    [Fact]
    public async Task AddLakehouseGeo_bad_options_fail_when_the_host_starts()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLakehouseGeo(o => o.MaxEditDistance = 7);
        using IHost host = builder.Build();
        await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    [Fact]
    public async Task ResolveCsvAsync_keeps_columns_finds_headers_by_name_and_quotes_output()
    {
        const string input = "id,City,PROVINCE,Region,note\n1,Bacolod,Negros Occidental,Region VI,\"a, b\"\n2,San Jose,,,\n3,Tagum,Laguna,,x\n4,\"123 Rizal St., Quezon City\",,,\n5,Dagupn,Pangasinan,,\n6,,,,\n";
        using var reader = new StringReader(input);
        await using var writer = new StringWriter();
        int rows = await PsgcCommands.ResolveCsvAsync(reader, writer, new PsgcResolver());
        string[] lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, rows);
        Assert.Equal("id,City,PROVINCE,Region,note,status,region_code,province_code,citymun_code,region_name,province_name,citymun_name,confidence,barangay_code,barangay_name,reason,candidates", lines[0]);
        Assert.StartsWith("1,Bacolod,Negros Occidental,Region VI,\"a, b\",exact,1800000000,1804500000,1830200000,Negros Island Region,Negros Occidental,City of Bacolod,1,,,", lines[1], StringComparison.Ordinal);
        Assert.Contains("Region VI", lines[1].Split(',')[^2], StringComparison.Ordinal); // the reason notes the stale typed region
        Assert.StartsWith("2,San Jose,,,,ambiguous,,,,", lines[2], StringComparison.Ordinal);
        Assert.Matches(@",[0-9]{10}(;[0-9]{10})+$", lines[2]); // the candidates' codes
        Assert.StartsWith("3,Tagum,Laguna,,x,conflict,,,,,,,0,,,", lines[3], StringComparison.Ordinal);
        Assert.NotEqual("3,Tagum,Laguna,,x,conflict,,,,,,,0,,,,", lines[3]); // a conflict says why
        Assert.StartsWith("4,\"123 Rizal St., Quezon City\",,,,exact,1300000000,,1381300000,National Capital Region,,Quezon City,1,,,", lines[4], StringComparison.Ordinal);
        Assert.StartsWith("5,Dagupn,Pangasinan,,,fuzzy,0100000000,0105500000,0105518000,Ilocos Region,Pangasinan,City of Dagupan,0.8,,,", lines[5], StringComparison.Ordinal);
        Assert.StartsWith("6,,,,,not_found,", lines[6], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveCsvAsync_with_a_barangay_column_answers_the_barangay_inside_the_city()
    {
        const string input = "region,province,city,Barangay\nNCR,,Quezon City,Brgy. Apolonio Samson\n,Pangasinan,Dagupan,Not A Real Barangay Name\n";
        using var reader = new StringReader(input);
        await using var writer = new StringWriter();
        var resolver = new PsgcResolver();
        PlaceResolution expected = resolver.Resolve("NCR", null, "Quezon City", "Brgy. Apolonio Samson");

        int rows = await PsgcCommands.ResolveCsvAsync(reader, writer, resolver);

        string[] lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, rows);
        Assert.Equal("1381300003", expected.BarangayCode);
        Assert.Contains("," + expected.BarangayCode + "," + expected.BarangayName + ",", lines[1], StringComparison.Ordinal);
        Assert.Contains(",0105518000,", lines[2], StringComparison.Ordinal); // the city stays
        Assert.Contains(",not_found,", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveCsvAsync_without_place_columns_is_refused()
    {
        using var reader = new StringReader("a,b\n1,2\n");
        await using var writer = new StringWriter();
        await Assert.ThrowsAsync<InvalidDataException>(() => PsgcCommands.ResolveCsvAsync(reader, writer, new PsgcResolver()));
    }
}
