using Lakehouse.Ingest;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Lakehouse.Samples.Worker;

/// <summary>
/// Holds one dedicated connection (not from the pool, application name <see cref="ApplicationName"/>) that
/// <c>LISTEN</c>s on <see cref="BronzeLoader.NotifyChannel"/> and turns each notification into a
/// <see cref="MedallionSignal"/>. When the connection drops it reconnects with exponential backoff and jitter
/// (Polly), and signals once after every (re)connect, since notifications sent while it was away are lost.
/// While idle it checks the connection every <see cref="MedallionScheduleOptions.ProbeInterval"/>.
/// </summary>
internal sealed partial class BronzeListenerService : BackgroundService
{
    /// <summary>The <c>application_name</c> of the listening connection (visible in <c>pg_stat_activity</c>).</summary>
    public const string ApplicationName = "lakehouse-worker-listener";

    private readonly string _connectionString;
    private readonly MedallionSignal _signal;
    private readonly WorkerStatus _status;
    private readonly MedallionScheduleOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public BronzeListenerService(
        WorkerConnection connection, MedallionSignal signal, WorkerStatus status, IOptions<WorkerOptions> options,
        TimeProvider time, ILogger<BronzeListenerService> logger)
    {
        _connectionString = new NpgsqlConnectionStringBuilder(connection.ConnectionString)
        {
            ApplicationName = ApplicationName,
            Pooling = false,
        }.ConnectionString;
        _signal = signal;
        _status = status;
        _options = options.Value.Medallion;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ResiliencePipeline reconnect = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is not null and not OperationCanceledException),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.ReconnectBaseDelay,
                MaxDelay = _options.ReconnectMaxDelay,
                OnRetry = args =>
                {
                    Log.ConnectFailed(_logger, args.Outcome.Exception, args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            })
            .Build();

        while (!stoppingToken.IsCancellationRequested)
        {
            NpgsqlConnection connection;
            try
            {
                // A fresh pipeline execution per drop, so the backoff starts small again after a long healthy spell.
                connection = await reconnect.ExecuteAsync(static (self, ct) => self.ConnectAsync(ct), this, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            await using (connection.ConfigureAwait(false))
            {
                _status.Listening = true;
                _status.Connected();
                Log.Listening(_logger, BronzeLoader.NotifyChannel);
                _signal.Signal(); // whatever was committed while nobody listened
                try
                {
                    await WaitLoopAsync(connection, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    // Whatever broke the connection (server restart, pg_terminate_backend, network): reconnect.
                    Log.ConnectionLost(_logger, e);
                }
                finally
                {
                    _status.Listening = false;
                    connection.Notification -= OnNotification;
                }
            }
        }
    }

    private async ValueTask<NpgsqlConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            connection.Notification += OnNotification;
            using var listen = new NpgsqlCommand($"LISTEN {BronzeLoader.NotifyChannel}", connection);
            await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            connection.Notification -= OnNotification;
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task WaitLoopAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!await connection.WaitAsync(_options.ProbeInterval, cancellationToken).ConfigureAwait(false))
            {
                // Nothing for a while: make sure the connection is still there (a silent drop would lose notifications).
                using var probe = new NpgsqlCommand("SELECT 1", connection);
                await probe.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        _status.Notified();
        Log.Notified(_logger, e.Channel, e.Payload);
        _signal.Signal();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Listening on {Channel}")]
        public static partial void Listening(ILogger logger, string channel);

        [LoggerMessage(2, LogLevel.Warning, "Bronze listener could not connect (attempt {Attempt}); retrying in {Delay}")]
        public static partial void ConnectFailed(ILogger logger, Exception? exception, int attempt, TimeSpan delay);

        [LoggerMessage(3, LogLevel.Warning, "Bronze listener lost its connection; reconnecting")]
        public static partial void ConnectionLost(ILogger logger, Exception exception);

        [LoggerMessage(4, LogLevel.Debug, "Notification on {Channel}: {Payload} rows")]
        public static partial void Notified(ILogger logger, string channel, string payload);
    }
}
