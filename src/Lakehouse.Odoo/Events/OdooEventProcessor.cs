using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Lakehouse.Odoo;

/// <summary>
/// Takes pending Odoo events from the <see cref="OdooEventStore"/> and runs the handler registered for each
/// event type, one DI scope per event. Several processors (threads, processes, hosts) may run at once: leases
/// use <c>FOR UPDATE SKIP LOCKED</c>, so no event is processed twice at the same time, and an event whose
/// processor crashed is taken over when its lease runs out.
/// </summary>
public sealed partial class OdooEventProcessor
{
    private readonly OdooEventStore _store;
    private readonly IServiceScopeFactory _scopes;
    private readonly Dictionary<string, Type> _handlers;
    private readonly OdooOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a processor; normally resolved from DI after <c>AddLakehouseOdoo()</c>.</summary>
    /// <param name="store">The event store.</param>
    /// <param name="scopes">Creates one scope per handled event.</param>
    /// <param name="registrations">The handler registrations (<c>AddHandler&lt;T&gt;(eventType)</c>).</param>
    /// <param name="options">Batch size and retry settings.</param>
    /// <param name="logger">Logs failures and give-ups; optional.</param>
    public OdooEventProcessor(
        OdooEventStore store,
        IServiceScopeFactory scopes,
        IEnumerable<OdooHandlerRegistration> registrations,
        IOptions<OdooOptions> options,
        ILogger<OdooEventProcessor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(registrations);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _scopes = scopes;
        _options = options.Value;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var handlers = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (OdooHandlerRegistration registration in registrations)
        {
            handlers[registration.EventType] = registration.HandlerType;
        }

        _handlers = handlers;
        WorkerId = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}");
    }

    /// <summary>This processor's identity in leases and the event log.</summary>
    public string WorkerId { get; }

    /// <summary>Leases up to <see cref="OdooOptions.BatchSize"/> ready events and handles them.</summary>
    /// <param name="cancellationToken">Stops between events; a leased but unhandled event is retried after its lease.</param>
    /// <returns>How many events were handed to handlers (completed or failed).</returns>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        List<OdooEvent> leased = await _store.LeaseAsync(WorkerId, _options.BatchSize, cancellationToken).ConfigureAwait(false);
        foreach (OdooEvent odooEvent in leased)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await HandleOneAsync(odooEvent, cancellationToken).ConfigureAwait(false);
        }

        return leased.Count;
    }

    /// <summary>Runs <see cref="RunOnceAsync"/> until no event is ready.</summary>
    /// <param name="cancellationToken">Stops between events.</param>
    /// <returns>How many events were handled in all.</returns>
    public async Task<int> DrainAsync(CancellationToken cancellationToken = default)
    {
        int total = 0;
        int handled;
        while ((handled = await RunOnceAsync(cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += handled;
        }

        return total;
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A handler's failure is data: it is recorded and retried.")]
    private async Task HandleOneAsync(OdooEvent odooEvent, CancellationToken cancellationToken)
    {
        if (!_handlers.TryGetValue(odooEvent.EventType, out Type? handlerType))
        {
            // Kept, not dropped: RequeueFailedAsync brings it back once a handler is deployed.
            await _store.FailAsync(odooEvent, WorkerId, $"no handler registered for event type '{odooEvent.EventType}'",
                final: true, CancellationToken.None).ConfigureAwait(false);
            Log.NoHandler(_logger, odooEvent.Id, odooEvent.EventType);
            return;
        }

        try
        {
            AsyncServiceScope scope = _scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var handler = (IOdooWebhookHandler)scope.ServiceProvider.GetRequiredService(handlerType);
                await handler.HandleAsync(odooEvent, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            bool final = odooEvent.Attempt >= _options.MaxAttempts;
            await _store.FailAsync(odooEvent, WorkerId, e.GetType().Name + ": " + e.Message, final, CancellationToken.None).ConfigureAwait(false);
            if (final)
            {
                Log.GaveUp(_logger, e, odooEvent.Id, odooEvent.EventType, odooEvent.Attempt);
            }
            else
            {
                Log.WillRetry(_logger, e, odooEvent.Id, odooEvent.EventType, odooEvent.Attempt);
            }

            return;
        }

        if (!await _store.CompleteAsync(odooEvent, WorkerId, CancellationToken.None).ConfigureAwait(false))
        {
            Log.LeaseLost(_logger, odooEvent.Id, odooEvent.EventType);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Odoo event {EventId} ({EventType}) failed on attempt {Attempt}; it will be retried")]
        public static partial void WillRetry(ILogger logger, Exception exception, long eventId, string eventType, int attempt);

        [LoggerMessage(2, LogLevel.Error, "Odoo event {EventId} ({EventType}) failed on attempt {Attempt}, the last one; marked failed")]
        public static partial void GaveUp(ILogger logger, Exception exception, long eventId, string eventType, int attempt);

        [LoggerMessage(3, LogLevel.Error, "Odoo event {EventId} has type {EventType}, for which no handler is registered; marked failed")]
        public static partial void NoHandler(ILogger logger, long eventId, string eventType);

        [LoggerMessage(4, LogLevel.Warning, "Odoo event {EventId} ({EventType}) was handled after its lease ran out and was taken over; the other processor's outcome stands")]
        public static partial void LeaseLost(ILogger logger, long eventId, string eventType);
    }
}

/// <summary>Maps an Odoo event type to its handler; added by <c>AddHandler&lt;T&gt;(eventType)</c>.</summary>
/// <param name="EventType">The <c>event_type</c> handled, matched exactly.</param>
/// <param name="HandlerType">A type implementing <see cref="IOdooWebhookHandler"/>, registered as scoped.</param>
public sealed record OdooHandlerRegistration(string EventType, Type HandlerType);
