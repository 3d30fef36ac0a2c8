namespace Lakehouse.Odoo;

/// <summary>A stored Odoo webhook event as a handler receives it.</summary>
/// <param name="Id">The store's id of the event.</param>
/// <param name="IdempotencyKey">The body's <c>event_id</c>, or <c>sha256:</c> + hex SHA-256 of the body.</param>
/// <param name="EventType">The body's <c>event_type</c>, e.g. <c>project.task.updated</c>.</param>
/// <param name="AggregateType">The body's <c>aggregate_type</c>, e.g. <c>project.task</c>.</param>
/// <param name="AggregateId">The body's <c>aggregate_id</c>, as text.</param>
/// <param name="PayloadJson">The body's <c>payload</c> as JSON text (PostgreSQL's <c>jsonb</c> form).</param>
/// <param name="Attempt">1 on the first delivery to a handler, then 2, 3, … on retries.</param>
/// <param name="ReceivedAt">When the webhook was stored.</param>
public sealed record OdooEvent(
    long Id,
    string IdempotencyKey,
    string EventType,
    string AggregateType,
    string AggregateId,
    string PayloadJson,
    int Attempt,
    DateTimeOffset ReceivedAt);

/// <summary>Handles one <see cref="OdooEvent.EventType"/>; registered with <c>AddHandler&lt;T&gt;(eventType)</c>.</summary>
/// <remarks>
/// Delivery is at least once: after a crash, or when the lease runs out, the same event is handed out again, so a
/// handler must be idempotent (key its effects on <see cref="OdooEvent.IdempotencyKey"/> or the aggregate).
/// Throwing marks the attempt failed; the event is retried with backoff until <see cref="OdooOptions.MaxAttempts"/>.
/// </remarks>
public interface IOdooWebhookHandler
{
    /// <summary>Applies the event.</summary>
    /// <param name="odooEvent">The event.</param>
    /// <param name="cancellationToken">Cancelled when the host stops; the event is then retried later.</param>
    /// <returns>A task that completes when the event has been applied durably.</returns>
    Task HandleAsync(OdooEvent odooEvent, CancellationToken cancellationToken);
}

/// <summary>What <see cref="OdooEventStore.AppendAsync"/> did with a webhook body.</summary>
public enum OdooAppendOutcome
{
    /// <summary>Stored as a new pending event.</summary>
    Stored,

    /// <summary>An event with the same idempotency key was already stored: nothing written.</summary>
    Duplicate,

    /// <summary>The body is not an Odoo event (see <see cref="OdooAppendResult.Error"/>): nothing written.</summary>
    Invalid,
}

/// <summary>The result of appending a webhook body to the event store.</summary>
/// <param name="Outcome">Stored, duplicate or invalid.</param>
/// <param name="EventId">The stored event's id (the earlier one for a duplicate); 0 when invalid.</param>
/// <param name="IdempotencyKey">The key the event is deduplicated by; <see langword="null"/> when invalid.</param>
/// <param name="Error">Why the body was refused; <see langword="null"/> unless invalid.</param>
public readonly record struct OdooAppendResult(OdooAppendOutcome Outcome, long EventId, string? IdempotencyKey, string? Error);
