namespace Lakehouse.Ingest;

/// <summary>
/// Remembers the identities of accepted webhook deliveries so a second delivery of the same one is refused as a
/// <see cref="WebhookVerdict.Replay"/>. <see cref="InMemoryWebhookReplayCache"/> serves one process; hosts that
/// run several instances plug in a shared implementation (for example over the Odoo event store).
/// </summary>
/// <remarks>Verifiers call <see cref="TryRecord"/> only after a signature matched. Implementations must be thread-safe.</remarks>
public interface IWebhookReplayCache
{
    /// <summary>Records <paramref name="identity"/> unless it is already remembered and not yet expired.</summary>
    /// <param name="identity">A 32-byte digest naming the delivery (the verifier derives it; treat it as opaque).</param>
    /// <param name="now">The verifier's current time (from its <see cref="TimeProvider"/>); expire entries by this clock.</param>
    /// <param name="retention">How long to remember the identity from <paramref name="now"/>.</param>
    /// <returns><see langword="true"/> when the identity is new (now recorded); <see langword="false"/> when it is a replay.</returns>
    bool TryRecord(ReadOnlySpan<byte> identity, DateTimeOffset now, TimeSpan retention);
}
