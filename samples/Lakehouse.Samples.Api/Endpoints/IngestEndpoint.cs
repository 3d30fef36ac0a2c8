using System.Text.Json;
using Lakehouse.Ingest;
using Microsoft.Net.Http.Headers;

namespace Lakehouse.Samples.Api.Endpoints;

/// <summary>
/// <c>POST /ingest-transaction</c>: JSON Lines are read straight from the request body's pipe by the package's
/// reader (never buffered whole); an <c>application/json</c> body (one object or an array) is buffered, within the
/// body-size limit, because its elements are split by parsing the whole document.
/// </summary>
internal static class IngestEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, BronzeLoader loader, ApiSettings settings, CancellationToken cancellationToken)
    {
        HttpRequest request = context.Request;
        string device = context.User.Identity!.Name!;
        string? named = request.Headers["x-device-id"];
        if (named is not null && !string.Equals(named, device, StringComparison.Ordinal))
        {
            return Problems.Forbidden("x-device-id names another device than the token ('" + device + "').");
        }

        if (request.ContentLength > settings.MaxBodyBytes)
        {
            return Problems.TooLarge(settings.MaxBodyBytes);
        }

        BodyKind kind = KindOf(request.ContentType);
        if (kind == BodyKind.Unsupported)
        {
            return Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                "Send application/x-ndjson or application/jsonl (JSON Lines), or application/json (one object or an array).");
        }

        var errors = new LineErrors(settings.MaxErrors);
        var source = new BronzeSource("api:" + device, device);
        BronzeLoadResult result;
        try
        {
            if (kind == BodyKind.Json)
            {
                using var buffer = new MemoryStream(request.ContentLength is long n and > 0 ? (int)n : 4096);
                await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                using JsonlReader reader = JsonlReader.CreateForJsonBody(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), loader.Options);
                result = await loader.LoadAsync(reader, source, errors.Add, null, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                using JsonlReader reader = JsonlReader.Create(request.BodyReader, loader.Options);
                result = await loader.LoadAsync(reader, source, errors.Add, null, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // A chunked body that grew past the limit: batches committed before this point stay (replaying is safe).
            return Problems.TooLarge(settings.MaxBodyBytes);
        }

        return Results.Ok(new IngestResponse(result.Valid, result.Inserted, result.Duplicates, result.Rejected, errors.List, errors.Truncated));
    }

    private static BodyKind KindOf(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? media))
        {
            return BodyKind.Unsupported;
        }

        ReadOnlySpan<char> type = media.MediaType.AsSpan();
        return type.Equals("application/x-ndjson", StringComparison.OrdinalIgnoreCase) || type.Equals("application/jsonl", StringComparison.OrdinalIgnoreCase)
            ? BodyKind.Lines
            : type.Equals("application/json", StringComparison.OrdinalIgnoreCase) ? BodyKind.Json : BodyKind.Unsupported;
    }

    private enum BodyKind
    {
        Unsupported,
        Lines,
        Json,
    }

    // Collects the first N per-line errors; only called for rejected lines.
    private sealed class LineErrors(int max)
    {
        public List<IngestLineError> List { get; } = [];

        public bool Truncated { get; private set; }

        public void Add(IngestError e)
        {
            if (List.Count < max)
            {
                List.Add(new IngestLineError(e.LineNumber, e.ByteOffset, JsonNamingPolicy.SnakeCaseLower.ConvertName(e.Reason.ToString()), e.Field, e.Message));
            }
            else
            {
                Truncated = true;
            }
        }
    }
}
