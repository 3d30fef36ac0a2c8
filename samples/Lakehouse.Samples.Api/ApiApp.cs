using System.Globalization;
using System.Text.Json;
using System.Threading.RateLimiting;
using Lakehouse.Ingest;
using Lakehouse.Odoo;
using Lakehouse.Samples.Api.Auth;
using Lakehouse.Samples.Api.Endpoints;
using Lakehouse.Samples.Api.Landing;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using OpenTelemetry.Metrics;

namespace Lakehouse.Samples.Api;

/// <summary>
/// The Api host: transaction ingest and landing uploads for edge devices, the Odoo webhook, ingestion status for
/// services, health, metrics and the OpenAPI document, composed from the packages.
/// </summary>
public static class ApiApp
{
    /// <summary>The rate-limiter policy of the write endpoints: a token bucket per device.</summary>
    internal const string PerDevicePolicy = "per-device";

    /// <summary>Builds the app (not started); <paramref name="configure"/> lets tests adjust the builder.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
        configure?.Invoke(builder);
        ConfigurationManager config = builder.Configuration;
        string connection = config["Lakehouse:ConnectionString"]
            ?? throw new InvalidOperationException("Lakehouse:ConnectionString is not configured.");
        ApiSettings settings = ApiSettings.From(config);
        IServiceCollection services = builder.Services;

        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.AddSingleton(_ => NpgsqlDataSource.Create(connection));
        services.Configure<IngestOptions>(config.GetSection("Lakehouse:Ingest"));
        LakehouseIngestBuilder ingest = services.AddLakehouseIngest().AddBronzeLoader();
        services.AddEdgeTokens(o => o.Secret = config["Lakehouse:EdgeTokenSecret"] ?? "");
        services.AddIpaiWebhookVerifier(o => o.Secrets.Add(config["Lakehouse:OdooWebhookSecret"] ?? ""));
        services.AddLakehouseOdoo();
        if (settings.LandingRoot.Length > 0)
        {
            ingest.AddLandingZone(o => o.Root = settings.LandingRoot);
            services.AddSingleton<LandingUploadStore>();
            services.AddHostedService(sp => sp.GetRequiredService<LandingUploadStore>());
        }

        // Kestrel refuses larger bodies with 413 (before reading when Content-Length says so, else while reading).
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = settings.MaxBodyBytes);

        services.AddAuthentication(LakehouseAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, LakehouseAuthenticationHandler>(
                LakehouseAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(LakehouseAuthenticationHandler.EdgePolicy, p => p.RequireRole(LakehouseAuthenticationHandler.EdgePolicy))
            .AddPolicy(LakehouseAuthenticationHandler.ServicePolicy, p => p.RequireRole(LakehouseAuthenticationHandler.ServicePolicy));
        services.AddRateLimiter(o => ConfigureRateLimiter(o, settings));

        services.AddHealthChecks().AddNpgSql(sp => sp.GetRequiredService<NpgsqlDataSource>(), name: "postgresql");
        services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(BronzeLoader.MeterName, "Lakehouse.Medallion", "Lakehouse.Odoo", "Lakehouse.Publisher")
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting",
                "Microsoft.AspNetCore.Authorization", "Npgsql")
            .AddPrometheusExporter());
        services.AddOpenApi();

        WebApplication app = builder.Build();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = static e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();

        app.MapPost("/ingest-transaction", IngestEndpoint.HandleAsync)
            .RequireAuthorization(LakehouseAuthenticationHandler.EdgePolicy)
            .RequireRateLimiting(PerDevicePolicy)
            .Accepts<JsonElement>("application/x-ndjson", "application/jsonl", "application/json")
            .Produces<IngestResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Ingest transactions: JSON Lines streamed, or one JSON object / an array of them.");
        app.MapPost("/storage/v1/object/{bucket}/{date}/{device}/{file}", LandingEndpoint.HandleAsync)
            .RequireAuthorization(LakehouseAuthenticationHandler.EdgePolicy)
            .RequireRateLimiting(PerDevicePolicy)
            .Produces<LandingUploadResponse>(StatusCodes.Status201Created)
            .Produces<LandingUploadResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Upload a JSON Lines file to the landing zone ({date}/{device}/{file}.jsonl); it is loaded in the background.");
        app.MapPost("/odoo-webhook", WebhookEndpoint.HandleAsync)
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("Odoo webhook: x-ipai-timestamp / x-ipai-signature verified over the raw body; 202 once stored.");
        app.MapGet("/ingestion-status", StatusEndpoint.HandleAsync)
            .RequireAuthorization(LakehouseAuthenticationHandler.ServicePolicy)
            .Produces<IReadOnlyList<IngestionStatus>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Ingestion counters per device and day (service key only).");
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteHealthAsync });
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapOpenApi();
        return app;
    }

    private static void ConfigureRateLimiter(Microsoft.AspNetCore.RateLimiting.RateLimiterOptions options, ApiSettings settings)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.AddPolicy(PerDevicePolicy, context =>
        {
            // Authenticated: the token's device; otherwise the client address (refusals are cheap but still counted).
            string key = context.User.Identity?.IsAuthenticated == true
                ? "device:" + context.User.Identity.Name
                : "ip:" + context.Connection.RemoteIpAddress?.ToString();
            return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = settings.Burst,
                TokensPerPeriod = settings.PermitsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        options.OnRejected = static async (context, cancellationToken) =>
        {
            HttpContext http = context.HttpContext;
            TimeSpan retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan after) ? after : TimeSpan.FromSeconds(1);
            int seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            IProblemDetailsService problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails =
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many requests",
                    Detail = "This device's request rate is over its limit; retry after " + seconds.ToString(CultureInfo.InvariantCulture) + " s.",
                },
            }).ConfigureAwait(false);
        };
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        string status = report.Status switch
        {
            HealthStatus.Healthy => "ok",
            HealthStatus.Degraded => "degraded",
            _ => "unhealthy",
        };
        return context.Response.WriteAsJsonAsync(new HealthResponse(status));
    }
}

/// <summary>What <c>GET /health</c> answers: <c>ok</c>, <c>degraded</c> or <c>unhealthy</c> (503).</summary>
public sealed record HealthResponse(string Status);
