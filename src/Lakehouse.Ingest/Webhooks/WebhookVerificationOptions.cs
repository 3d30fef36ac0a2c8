namespace Lakehouse.Ingest;

/// <summary>Settings shared by <see cref="IpaiWebhookVerifier"/> and <see cref="StandardWebhookVerifier"/>.</summary>
public sealed class WebhookVerificationOptions
{
    /// <summary>
    /// The active secrets; a delivery signed with any of them is accepted, which is how secrets rotate (add the
    /// new one, move senders over, remove the old one). At least one is required.
    /// </summary>
    /// <value>
    /// For the <c>x-ipai-*</c> scheme, plain strings whose UTF-8 bytes are the HMAC key. For Standard Webhooks,
    /// <c>whsec_&lt;base64&gt;</c> (prefix optional) decoding to 24–64 bytes.
    /// </value>
    public IList<string> Secrets { get; } = [];

    /// <summary>How far the delivery's timestamp may be from now, either way, inclusive.</summary>
    /// <value>300 seconds. Whole seconds; at least one second.</value>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>How long an accepted delivery's identity is remembered for replay detection.</summary>
    /// <value>10 minutes. Must be at least twice <see cref="Tolerance"/>, so that nothing inside the window can be replayed.</value>
    public TimeSpan ReplayRetention { get; set; } = TimeSpan.FromMinutes(10);

    internal long ValidateAndGetToleranceSeconds()
    {
        if (Secrets.Count == 0)
        {
            throw new ArgumentException("WebhookVerificationOptions.Secrets is empty; at least one active secret is required.", "options");
        }

        for (int i = 0; i < Secrets.Count; i++)
        {
            if (string.IsNullOrEmpty(Secrets[i]))
            {
                throw new ArgumentException($"WebhookVerificationOptions.Secrets[{i}] is empty.", "options");
            }
        }

        if (Tolerance < TimeSpan.FromSeconds(1) || Tolerance.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentException($"WebhookVerificationOptions.Tolerance is {Tolerance}; it must be a whole number of seconds, at least 1.", "options");
        }

        if (ReplayRetention < 2 * Tolerance)
        {
            throw new ArgumentException(
                $"WebhookVerificationOptions.ReplayRetention is {ReplayRetention}; it must be at least twice Tolerance ({2 * Tolerance}).", "options");
        }

        return (long)Tolerance.TotalSeconds;
    }
}
