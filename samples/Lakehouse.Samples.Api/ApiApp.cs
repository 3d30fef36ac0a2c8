using Lakehouse.Ingest;
using Lakehouse.Odoo;
using Npgsql;

namespace Lakehouse.Samples.Api;

/// <summary>The Api host: transaction ingest for edge devices and the Odoo webhook, composed from the packages.</summary>
public static class ApiApp
{
    /// <summary>Builds the app (not started); <paramref name="configure"/> lets tests adjust the builder.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
        configure?.Invoke(builder);
        ConfigurationManager config = builder.Configuration;
        string connection = config["Lakehouse:ConnectionString"]
            ?? throw new InvalidOperationException("Lakehouse:ConnectionString is not configured.");

        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connection));
        builder.Services.AddLakehouseIngest().AddBronzeLoader();
        builder.Services.AddEdgeTokens(o => o.Secret = config["Lakehouse:EdgeTokenSecret"] ?? "");
        builder.Services.AddIpaiWebhookVerifier(o => o.Secrets.Add(config["Lakehouse:OdooWebhookSecret"] ?? ""));
        builder.Services.AddLakehouseOdoo();

        WebApplication app = builder.Build();
        app.UseExceptionHandler();
        app.MapPost("/ingest-transaction", IngestTransactionAsync);
        app.MapPost("/odoo-webhook", OdooWebhookAsync);
        app.MapGet("/health", HealthAsync);
        return app;
    }

    // One JSON object or an array (application/json), or JSON Lines streamed from the body into the reader.
    private static async Task<IResult> IngestTransactionAsync(
        HttpRequest request, EdgeTokenValidator tokens, BronzeLoader loader, CancellationToken cancellationToken)
    {
        string? authorization = request.Headers.Authorization;
        string? token = authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization["Bearer ".Length..].Trim() : null;
        EdgeTokenValidation validation = tokens.Validate(token);
        if (validation.Refusal != EdgeTokenRefusal.None)
        {
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "edge token refused");
        }

        string device = request.Headers["x-device-id"].FirstOrDefault() ?? validation.DeviceName!;
        var source = new BronzeSource("api:" + device, device);
        BronzeLoadResult result;
        if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            using JsonlReader reader = JsonlReader.CreateForJsonBody(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            result = await loader.LoadAsync(reader, source, null, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            result = await loader.LoadAsync(request.Body, source, null, cancellationToken).ConfigureAwait(false);
        }

        return Results.Ok(new IngestResponse(result.Valid, result.Inserted, result.Duplicates, result.Rejected));
    }

    private static async Task<IResult> OdooWebhookAsync(HttpRequest request, OdooWebhookReceiver receiver, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        OdooWebhookReceipt receipt = await receiver.ReceiveAsync(
            request.Headers["x-ipai-timestamp"].FirstOrDefault(), request.Headers["x-ipai-signature"].FirstOrDefault(),
            buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken).ConfigureAwait(false);
        return receipt.Accepted ? Results.Accepted() : Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "webhook rejected");
    }

    private static async Task<IResult> HealthAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand ping = dataSource.CreateCommand("SELECT 1");
        await ping.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return Results.Ok(new HealthResponse("ok"));
    }
}

/// <summary>What <c>POST /ingest-transaction</c> answers.</summary>
public sealed record IngestResponse(long Accepted, long Inserted, long Duplicates, long Rejected);

/// <summary>What <c>GET /health</c> answers.</summary>
public sealed record HealthResponse(string Status);
