namespace Lakehouse.Ingest;

/// <summary>
/// The outcome of verifying one webhook delivery. Only <see cref="Accepted"/> means the delivery may be
/// processed; tell the sender no more than accepted or rejected and keep the specific verdict for logs.
/// </summary>
/// <remarks>
/// Verifiers check in the order the members are declared: a delivery that is both malformed and stale is
/// <see cref="Malformed"/>. Only a delivery whose signature matched can be a <see cref="Replay"/>, so a forged
/// delivery never poisons the replay cache.
/// </remarks>
public enum WebhookVerdict
{
    /// <summary>The signature matched an active secret, the timestamp is inside the window and the delivery is new.</summary>
    Accepted,

    /// <summary>A required header (timestamp, signature, or for Standard Webhooks the id) was absent, or held only white space.</summary>
    MissingHeader,

    /// <summary>A header was present but unusable: a non-canonical timestamp, or no signature entry of the expected shape.</summary>
    Malformed,

    /// <summary>The timestamp is more than the tolerance (300 s by default) in the past.</summary>
    Stale,

    /// <summary>The timestamp is more than the tolerance (300 s by default) in the future.</summary>
    Future,

    /// <summary>No signature entry matched any active secret.</summary>
    Mismatch,

    /// <summary>A delivery with the same identity was already accepted within the replay retention.</summary>
    Replay,
}

/// <summary>Helpers for <see cref="WebhookVerdict"/>.</summary>
public static class WebhookVerdictExtensions
{
    /// <summary>The verdict's snake_case wire name, as the contracts and the <c>lakehouse</c> tool spell it (<c>missing_header</c>).</summary>
    /// <param name="verdict">The verdict.</param>
    /// <returns>One of <c>accepted</c>, <c>missing_header</c>, <c>malformed</c>, <c>stale</c>, <c>future</c>, <c>mismatch</c>, <c>replay</c>.</returns>
    public static string ToSnakeCase(this WebhookVerdict verdict) => verdict switch
    {
        WebhookVerdict.Accepted => "accepted",
        WebhookVerdict.MissingHeader => "missing_header",
        WebhookVerdict.Malformed => "malformed",
        WebhookVerdict.Stale => "stale",
        WebhookVerdict.Future => "future",
        WebhookVerdict.Mismatch => "mismatch",
        WebhookVerdict.Replay => "replay",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "unknown webhook verdict"),
    };
}
