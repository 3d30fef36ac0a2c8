using Lakehouse.Ingest;
using Lakehouse.Samples.Api;
using Lakehouse.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Samples.Pi.Tests;

/// <summary>The real Api (<see cref="ApiApp.Build"/>) on loopback Kestrel over the test database, or a small stub Kestrel.</summary>
internal static class TestApi
{
    public const string EdgeSecret = "pi-tests-edge-token-secret-32-bytes!";

    public static string Token(string device = "pi-test-1") => new EdgeTokenIssuer(new EdgeTokenOptions { Secret = EdgeSecret }).Issue(device);

    /// <summary>Starts the real Api on <paramref name="url"/> (port 0 for any free one); returns it and its address.</summary>
    public static async Task<(WebApplication App, string Address)> StartAsync(PostgresDatabase db, string url = "http://127.0.0.1:0", long? maxBodyBytes = null)
    {
        WebApplication app = ApiApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Lakehouse:ConnectionString"] = db.ConnectionString,
                ["Lakehouse:EdgeTokenSecret"] = EdgeSecret,
                ["Lakehouse:OdooWebhookSecret"] = "unused",
            });
            if (maxBodyBytes is { } limit)
            {
                builder.Configuration["Lakehouse:Api:MaxBodyBytes"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            builder.Configuration["urls"] = url;
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await app.StartAsync();
        return (app, Address(app));
    }

    /// <summary>A stub server answering <c>POST /ingest-transaction</c> with <paramref name="answer"/>.</summary>
    public static async Task<(WebApplication App, string Address)> StartStubAsync(Func<HttpContext, Task> answer)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["urls"] = "http://127.0.0.1:0";
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        WebApplication app = builder.Build();
        app.MapPost("/ingest-transaction", answer);
        await app.StartAsync();
        return (app, Address(app));
    }

    public static async Task StopAsync(WebApplication app)
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>A loopback port nothing listens on (taken and released at once).</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
}
