using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Lakehouse.Odoo;

/// <summary>Hosted service that drains the Odoo event store, then polls every <see cref="OdooOptions.PollInterval"/>.</summary>
internal sealed partial class OdooEventProcessorService(
    OdooEventProcessor processor, IOptions<OdooOptions> options, TimeProvider timeProvider, ILogger<OdooEventProcessorService>? logger = null)
    : BackgroundService
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await processor.DrainAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException e)
            {
                Log.DatabaseError(_logger, e);
            }

            try
            {
                await Task.Delay(options.Value.PollInterval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Odoo event processing paused by a database error; retrying after the poll interval")]
        public static partial void DatabaseError(ILogger logger, Exception exception);
    }
}
