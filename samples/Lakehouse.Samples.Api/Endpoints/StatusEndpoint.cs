using System.Globalization;
using Lakehouse.Ingest;

namespace Lakehouse.Samples.Api.Endpoints;

/// <summary><c>GET /ingestion-status?day=yyyy-MM-dd&amp;device=...</c>: the per-device counters (service key only).</summary>
internal static class StatusEndpoint
{
    public static async Task<IResult> HandleAsync(string? day, string? device, BronzeLoader loader, CancellationToken cancellationToken)
    {
        DateOnly? onDay = null;
        if (day is not null)
        {
            if (!DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly parsed))
            {
                return Problems.BadRequest("'day' must be a date in yyyy-MM-dd form.");
            }

            onDay = parsed;
        }

        IReadOnlyList<IngestionStatus> rows = await loader.GetStatusAsync(onDay, device, cancellationToken).ConfigureAwait(false);
        return Results.Ok(rows);
    }
}
