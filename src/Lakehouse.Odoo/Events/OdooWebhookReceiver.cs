using Lakehouse.Ingest;

namespace Lakehouse.Odoo;

/// <summary>What became of one inbound Odoo webhook.</summary>
/// <param name="Verdict">The signature verdict (for logs; tell the caller only accepted or rejected).</param>
/// <param name="Stored">The event store's outcome; <see langword="null"/> when the signature was not accepted (a
/// <see cref="WebhookVerdict.Replay"/> carries the store's <see cref="OdooAppendOutcome.Duplicate"/>).</param>
public readonly record struct OdooWebhookReceipt(WebhookVerdict Verdict, OdooAppendResult? Stored)
{
    /// <summary>True when the webhook verified and is durably stored (new or already known): answer 2xx.</summary>
    public bool Accepted => Verdict == WebhookVerdict.Accepted && Stored is { Outcome: not OdooAppendOutcome.Invalid };
}

/// <summary>
/// The Odoo webhook endpoint's work, host-agnostic: verify the <c>x-ipai-*</c> signature over the raw body bytes,
/// then store the event; <see cref="OdooWebhookReceipt.Accepted"/> is true only once the event is committed.
/// </summary>
/// <param name="verifier">Verifies <c>x-ipai-timestamp</c> / <c>x-ipai-signature</c> (from Lakehouse.Ingest).</param>
/// <param name="store">Stores verified events once per idempotency key.</param>
public sealed class OdooWebhookReceiver(IpaiWebhookVerifier verifier, OdooEventStore store)
{
    /// <summary>Verifies and stores one delivery.</summary>
    /// <param name="timestampHeader">The <c>x-ipai-timestamp</c> header as received, or <see langword="null"/>.</param>
    /// <param name="signatureHeader">The <c>x-ipai-signature</c> header as received, or <see langword="null"/>.</param>
    /// <param name="body">The raw request body, never re-serialized.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The verdict and, when verified, the store's outcome.</returns>
    public async Task<OdooWebhookReceipt> ReceiveAsync(
        string? timestampHeader, string? signatureHeader, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(store);
        WebhookVerdict verdict = verifier.Verify(timestampHeader, signatureHeader, body.Span, recordReplay: false);
        if (verdict != WebhookVerdict.Accepted)
        {
            return new OdooWebhookReceipt(verdict, null);
        }

        // The replay identity is recorded only once the write is done: if it throws (database down), the sender's
        // identical retry is not refused as a replay. A replay still reaches the store first, where the idempotency
        // key makes it a duplicate, never a second event.
        OdooAppendResult stored = await store.AppendAsync(body, cancellationToken).ConfigureAwait(false);
        return verifier.TryRecordDelivery(timestampHeader!, body.Span)
            ? new OdooWebhookReceipt(WebhookVerdict.Accepted, stored)
            : new OdooWebhookReceipt(WebhookVerdict.Replay, stored);
    }
}
