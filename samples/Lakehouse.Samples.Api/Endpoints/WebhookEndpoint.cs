using System.Text.Json;
using Lakehouse.Ingest;
using Lakehouse.Odoo;

namespace Lakehouse.Samples.Api.Endpoints;

/// <summary><c>POST /odoo-webhook</c>: verified over the raw body, stored; 202 only once the event is committed.</summary>
internal static class WebhookEndpoint
{
    public static async Task<IResult> HandleAsync(HttpRequest request, OdooWebhookReceiver receiver, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        // The string conversion joins repeated field lines with commas (RFC 9110 §5.3): a second x-ipai-signature line
        // adds entries, a second x-ipai-timestamp line makes the timestamp malformed; an absent header stays null.
        OdooWebhookReceipt receipt = await receiver.ReceiveAsync(
            (string?)request.Headers[IpaiWebhookVerifier.TimestampHeader], (string?)request.Headers[IpaiWebhookVerifier.SignatureHeader],
            buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken).ConfigureAwait(false);
        if (receipt.Accepted)
        {
            return Results.Accepted(value: new WebhookResponse(receipt.Stored!.Value.Outcome == OdooAppendOutcome.Duplicate ? "duplicate" : "stored"));
        }

        return receipt.Verdict == WebhookVerdict.Accepted
            ? Problems.BadRequest("The webhook verified but its body is not an Odoo event: " + receipt.Stored?.Error)
            : Problems.Status(StatusCodes.Status401Unauthorized, "Webhook refused",
                "Signature check failed: " + JsonNamingPolicy.SnakeCaseLower.ConvertName(receipt.Verdict.ToString()) + ".");
    }
}
