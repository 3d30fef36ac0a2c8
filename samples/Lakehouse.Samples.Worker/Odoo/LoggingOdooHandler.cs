using Lakehouse.Odoo;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Samples.Worker;

/// <summary>
/// The sample's Odoo handler: logs each event it is given. Replace it with handlers that apply events to your own
/// systems (idempotently: delivery is at least once), registered with <c>AddLakehouseOdoo().AddHandler&lt;T&gt;(type)</c>.
/// </summary>
internal sealed partial class LoggingOdooHandler(ILogger<LoggingOdooHandler> logger) : IOdooWebhookHandler
{
    public Task HandleAsync(OdooEvent odooEvent, CancellationToken cancellationToken)
    {
        Log.Handled(logger, odooEvent.EventType, odooEvent.AggregateType, odooEvent.AggregateId, odooEvent.Id, odooEvent.Attempt);
        return Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Odoo event {EventType} on {AggregateType} {AggregateId} (event {EventId}, attempt {Attempt})")]
        public static partial void Handled(ILogger logger, string eventType, string aggregateType, string aggregateId, long eventId, int attempt);
    }
}
