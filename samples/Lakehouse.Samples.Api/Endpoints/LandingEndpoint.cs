using System.Globalization;
using Lakehouse.Samples.Api.Landing;

namespace Lakehouse.Samples.Api.Endpoints;

/// <summary>
/// <c>POST /storage/v1/object/{bucket}/{date}/{device}/{file}</c>, shaped like a storage-service upload: the body
/// becomes the landing file <c>{root}/{date}/{device}/{file}</c> (DESIGN.md's landing path contract), which the
/// background landing pass loads into bronze exactly once.
/// </summary>
internal static class LandingEndpoint
{
    public static async Task<IResult> HandleAsync(
        string bucket, string date, string device, string file, HttpContext context, ApiSettings settings, CancellationToken cancellationToken)
    {
        LandingUploadStore? store = context.RequestServices.GetService<LandingUploadStore>();
        if (store is null)
        {
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "Landing zone not configured", "Set Lakehouse:Landing:Root to accept uploads.");
        }

        if (!string.Equals(bucket, settings.LandingBucket, StringComparison.Ordinal))
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Unknown bucket", "The only bucket is '" + settings.LandingBucket + "'.");
        }

        if (CheckPath(date, device, file) is string pathError)
        {
            return Problems.BadRequest(pathError);
        }

        string tokenDevice = context.User.Identity!.Name!;
        if (!string.Equals(device, tokenDevice, StringComparison.Ordinal))
        {
            return Problems.Forbidden("The path's device '" + device + "' is not the token's device '" + tokenDevice + "'.");
        }

        if (context.Request.ContentLength > settings.MaxBodyBytes)
        {
            return Problems.TooLarge(settings.MaxBodyBytes);
        }

        bool upsert = string.Equals(context.Request.Headers["x-upsert"], "true", StringComparison.OrdinalIgnoreCase);
        (LandingStoreOutcome outcome, long size, string sha) result;
        try
        {
            result = await store.StoreAsync(date, device, file, context.Request.Body, upsert, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.TooLarge(settings.MaxBodyBytes);
        }

        string key = bucket + "/" + date + "/" + device + "/" + file;
        var response = new LandingUploadResponse(key, result.size, result.sha);
        return result.outcome switch
        {
            LandingStoreOutcome.Created => Results.Created("/storage/v1/object/" + key, response),
            LandingStoreOutcome.SameContent or LandingStoreOutcome.Replaced => Results.Ok(response),
            LandingStoreOutcome.Empty => Problems.BadRequest("The file is empty."),
            _ => Problems.Status(StatusCodes.Status409Conflict, "Conflict", "'" + key + "' exists with other content; send x-upsert: true to replace it."),
        };
    }

    // The landing path contract: {yyyy-MM-dd}/{device_id}/{file}.jsonl, each segment a plain name (no separators, no dot-names).
    internal static string? CheckPath(string date, string device, string file)
    {
        if (date.Length != 10 || !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return "'" + date + "' is not a date in yyyy-MM-dd form.";
        }

        if (!IsName(device, 128))
        {
            return "'" + device + "' is not a device id (1–128 of A–Z a–z 0–9 . _ -, not starting with '.').";
        }

        if (!IsName(file, 255) || !file.EndsWith(".jsonl", StringComparison.Ordinal) || file.Length == ".jsonl".Length)
        {
            return "'" + file + "' is not a landing file name (up to 255 of A–Z a–z 0–9 . _ -, not starting with '.', ending in .jsonl).";
        }

        return null;
    }

    private static bool IsName(string s, int max) =>
        s.Length > 0 && s.Length <= max && s[0] != '.' && s.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
