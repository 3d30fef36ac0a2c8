using Lakehouse.Ingest;
using Lakehouse.Publisher.Notifications;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Lakehouse.Publisher;

/// <summary>The outcome of one notification to one subscription.</summary>
/// <param name="DeliveryId">The row in <c>publisher.deliveries</c>.</param>
/// <param name="SubscriptionId">The subscription.</param>
/// <param name="WebhookId">The <c>webhook-id</c> sent (the same on every attempt).</param>
/// <param name="Delivered">Whether a 2xx answer came back.</param>
/// <param name="Attempts">Attempts made.</param>
/// <param name="LastStatusCode">The last HTTP status, or null when no answer came.</param>
/// <param name="LastError">The last error, or null.</param>
public readonly record struct DeliveryResult(long DeliveryId, long SubscriptionId, string WebhookId, bool Delivered, int Attempts, int? LastStatusCode, string? LastError);

/// <summary>
/// Dataset subscriptions (<c>publisher.subscriptions</c>) and their notifications: a Standard Webhooks signed POST
/// (<c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature: v1,…</c>) per publish or rollback, retried with
/// exponential backoff and logged attempt by attempt in <c>publisher.deliveries</c>.
/// </summary>
/// <remarks>Every attempt is signed afresh with the time it is sent; the <c>webhook-id</c> stays the same, so receivers can drop replays.</remarks>
public sealed partial class DatasetSubscriptions
{
    /// <summary>The event sent when a version is published.</summary>
    public const string PublishedEvent = "dataset.published";

    /// <summary>The event sent when a dataset is rolled back to an earlier version.</summary>
    public const string RolledBackEvent = "dataset.rolled_back";

    private readonly NpgsqlDataSource _dataSource;
    private readonly HttpClient _http;
    private readonly PublisherOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the service.</summary>
    /// <param name="dataSource">Where the subscriptions and deliveries live (migrated with <see cref="PublisherSchema"/>).</param>
    /// <param name="http">The client notifications go through.</param>
    /// <param name="options">Retry settings (<see cref="PublisherOptions.NotificationMaxAttempts"/> and the like).</param>
    /// <param name="timeProvider">The clock and the retry delays; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Receives a line per failed attempt; optional.</param>
    public DatasetSubscriptions(NpgsqlDataSource dataSource, HttpClient http, PublisherOptions options, TimeProvider? timeProvider = null, ILogger<DatasetSubscriptions>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _http = http;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Adds a subscription.</summary>
    /// <param name="subscriber">Who subscribes (a name for reports).</param>
    /// <param name="url">Where notifications are POSTed.</param>
    /// <param name="secret"><c>whsec_</c> + base64 of a 24–64 byte key (prefix optional); see <see cref="NewSecret"/>.</param>
    /// <param name="events">The events wanted; null = both.</param>
    /// <param name="datasets">The datasets wanted; null = all.</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    /// <returns>The subscription id.</returns>
    /// <exception cref="ArgumentException">The secret is not base64 of 24–64 bytes, or an event is unknown.</exception>
    public async Task<long> SubscribeAsync(
        string subscriber, Uri url, string secret, IReadOnlyList<string>? events = null, IReadOnlyList<string>? datasets = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subscriber);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(secret);
        try
        {
            _ = new StandardWebhookSigner(secret);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException("the secret must be whsec_ + base64 of a 24-64 byte key", nameof(secret), e);
        }

        string[] wanted = events is null ? [PublishedEvent, RolledBackEvent] : [.. events];
        foreach (string e in wanted)
        {
            if (e is not (PublishedEvent or RolledBackEvent))
            {
                throw new ArgumentException($"unknown event '{e}' (known: {PublishedEvent}, {RolledBackEvent})", nameof(events));
            }
        }

        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            NpgsqlTransaction tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                long id;
                using (var command = new NpgsqlCommand(
                    "INSERT INTO publisher.subscriptions (subscriber, url, secret, events, datasets, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", connection, tx))
                {
                    command.Parameters.Add(new() { Value = subscriber });
                    command.Parameters.Add(new() { Value = url.ToString() });
                    command.Parameters.Add(new() { Value = secret });
                    command.Parameters.Add(new() { Value = wanted });
                    command.Parameters.Add(new() { Value = datasets is null ? DBNull.Value : datasets.ToArray() });
                    command.Parameters.Add(new() { Value = _timeProvider.GetUtcNow() });
                    id = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                }

                await new AuditLog(_dataSource, _timeProvider).TryRecordAsync(
                    AuditActions.WebhookSecretSet, SecretName(id), SecretDetails(id, subscriber, url, secret), connection, tx, cancellationToken).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                return id;
            }
        }
    }

    /// <summary>
    /// Replaces a subscription's signing secret; later notifications are signed with the new one. Recorded in the audit
    /// trail (<c>webhook.secret.rotate</c>, with the new secret's fingerprint, never the secret) in the same transaction.
    /// </summary>
    /// <param name="subscriptionId">The subscription.</param>
    /// <param name="newSecret"><c>whsec_</c> + base64 of a 24–64 byte key (prefix optional); see <see cref="NewSecret"/>.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>Whether the subscription existed.</returns>
    /// <exception cref="ArgumentException">The secret is not base64 of 24–64 bytes.</exception>
    public async Task<bool> RotateSecretAsync(long subscriptionId, string newSecret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newSecret);
        try
        {
            _ = new StandardWebhookSigner(newSecret);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException("the secret must be whsec_ + base64 of a 24-64 byte key", nameof(newSecret), e);
        }

        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            NpgsqlTransaction tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                string? subscriber;
                string? url;
                using (var command = new NpgsqlCommand(
                    "UPDATE publisher.subscriptions SET secret = $2 WHERE id = $1 RETURNING subscriber, url", connection, tx))
                {
                    command.Parameters.Add(new() { Value = subscriptionId });
                    command.Parameters.Add(new() { Value = newSecret });
                    NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            return false;
                        }

                        subscriber = reader.GetString(0);
                        url = reader.GetString(1);
                    }
                }

                await new AuditLog(_dataSource, _timeProvider).TryRecordAsync(
                    AuditActions.WebhookSecretRotate, SecretName(subscriptionId), SecretDetails(subscriptionId, subscriber, new Uri(url), newSecret),
                    connection, tx, cancellationToken).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
        }
    }

    private static string SecretName(long subscriptionId) => "publisher.subscription:" + subscriptionId.ToString(CultureInfo.InvariantCulture);

    private static System.Text.Json.Nodes.JsonObject SecretDetails(long subscriptionId, string subscriber, Uri url, string secret) => new()
    {
        ["subscription_id"] = subscriptionId,
        ["subscriber"] = subscriber,
        ["url"] = url.GetLeftPart(UriPartial.Path),
        ["secret_fingerprint"] = AuditLog.Fingerprint(secret),
    };

    /// <summary>Stops sending to a subscription (its delivery log stays).</summary>
    /// <param name="subscriptionId">The subscription.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>Whether the subscription existed.</returns>
    public async Task<bool> DeactivateAsync(long subscriptionId, CancellationToken cancellationToken = default)
    {
        using NpgsqlCommand command = _dataSource.CreateCommand("UPDATE publisher.subscriptions SET active = false WHERE id = $1");
        command.Parameters.Add(new() { Value = subscriptionId });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>A new random secret (<c>whsec_</c> + base64 of 32 bytes).</summary>
    /// <returns>The secret.</returns>
    public static string NewSecret() => StandardWebhookSigner.GenerateSecret();

    /// <summary>Notifies every active subscription that wants <paramref name="eventType"/> for <paramref name="dataset"/>, retrying each as configured.</summary>
    /// <param name="eventType"><see cref="PublishedEvent"/> or <see cref="RolledBackEvent"/>.</param>
    /// <param name="dataset">The dataset.</param>
    /// <param name="version">The version now current.</param>
    /// <param name="manifestUrl">Where its manifest can be fetched.</param>
    /// <param name="cancellationToken">Cancels sending; deliveries not finished stay <c>pending</c> in the log.</param>
    /// <returns>One result per subscription notified.</returns>
    public async Task<IReadOnlyList<DeliveryResult>> NotifyAsync(
        string eventType, string dataset, string version, string manifestUrl, CancellationToken cancellationToken = default)
    {
        var targets = new List<(long Id, string Url, string Secret)>();
        using (NpgsqlCommand select = _dataSource.CreateCommand(
            "SELECT id, url, secret FROM publisher.subscriptions WHERE active AND $1 = ANY (events) AND (datasets IS NULL OR $2 = ANY (datasets)) ORDER BY id"))
        {
            select.Parameters.Add(new() { Value = eventType });
            select.Parameters.Add(new() { Value = dataset });
            NpgsqlDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    targets.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
                }
            }
        }

        var body = new NotificationBody(eventType, dataset, version, manifestUrl, _timeProvider.GetUtcNow());
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(body, PublisherCompactJsonContext.Default.NotificationBody);
        var results = new List<DeliveryResult>(targets.Count);
        foreach ((long id, string url, string secret) in targets)
        {
            results.Add(await DeliverAsync(id, new Uri(url), secret, eventType, dataset, version, bytes, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    private async Task<DeliveryResult> DeliverAsync(
        long subscriptionId, Uri url, string secret, string eventType, string dataset, string version, byte[] body, CancellationToken cancellationToken)
    {
        string webhookId = "msg_" + Guid.CreateVersion7(_timeProvider.GetUtcNow()).ToString("N");
        long deliveryId;
        using (NpgsqlCommand insert = _dataSource.CreateCommand(
            "INSERT INTO publisher.deliveries (subscription_id, webhook_id, event_type, dataset, version, body, created_at, next_attempt_at) " +
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id"))
        {
            insert.Parameters.Add(new() { Value = subscriptionId });
            insert.Parameters.Add(new() { Value = webhookId });
            insert.Parameters.Add(new() { Value = eventType });
            insert.Parameters.Add(new() { Value = dataset });
            insert.Parameters.Add(new() { Value = version });
            insert.Parameters.Add(new() { Value = System.Text.Encoding.UTF8.GetString(body) });
            insert.Parameters.Add(new() { Value = _timeProvider.GetUtcNow() });
            deliveryId = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        StandardWebhookSigner signer;
        try
        {
            signer = new StandardWebhookSigner(secret, _timeProvider);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"subscription {subscriptionId} has a malformed secret", e);
        }

        int attempts = 0;
        int? lastStatus = null;
        string? lastError = null;
        ResiliencePipeline<HttpResponseMessage> pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _timeProvider }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = _options.NotificationMaxAttempts - 1,
                Delay = _options.NotificationBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutException } => true,
                    { Exception: OperationCanceledException } when !args.Context.CancellationToken.IsCancellationRequested => true,
                    { Result: { } response } => !response.IsSuccessStatusCode,
                    _ => false,
                }),
                OnRetry = async args =>
                {
                    args.Outcome.Result?.Dispose();
                    await RecordAttemptAsync(deliveryId, attempts, lastStatus, lastError, "pending", _timeProvider.GetUtcNow() + args.RetryDelay, args.Context.CancellationToken).ConfigureAwait(false);
                },
            })
            .Build();

        HttpResponseMessage? final = null;
        try
        {
            final = await pipeline.ExecuteAsync(
                async token =>
                {
                    attempts++;
                    try
                    {
                        HttpResponseMessage response = await SendOnceAsync(url, signer, webhookId, body, token).ConfigureAwait(false);
                        lastStatus = (int)response.StatusCode;
                        lastError = response.IsSuccessStatusCode ? null : "HTTP " + lastStatus.Value.ToString(CultureInfo.InvariantCulture);
                        if (!response.IsSuccessStatusCode)
                        {
                            LogAttemptFailed(_logger, webhookId, attempts, lastError);
                        }

                        return response;
                    }
                    catch (Exception e) when (e is HttpRequestException or TimeoutException or OperationCanceledException && !token.IsCancellationRequested)
                    {
                        lastStatus = null;
                        lastError = e.GetType().Name + ": " + e.Message;
                        LogAttemptFailed(_logger, webhookId, attempts, lastError);
                        throw;
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Out of attempts on a transport error: recorded below as failed.
        }

        bool delivered = final?.IsSuccessStatusCode == true;
        final?.Dispose();
        await RecordAttemptAsync(deliveryId, attempts, lastStatus, lastError, delivered ? "delivered" : "failed", null, CancellationToken.None).ConfigureAwait(false);
        return new DeliveryResult(deliveryId, subscriptionId, webhookId, delivered, attempts, lastStatus, lastError);
    }

    private async Task<HttpResponseMessage> SendOnceAsync(Uri url, StandardWebhookSigner signer, string webhookId, byte[] body, CancellationToken cancellationToken)
    {
        // Each attempt is signed afresh (same id, current timestamp), as Standard Webhooks retries are.
        StandardWebhookHeaders headers = signer.Sign(body, webhookId);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(StandardWebhookVerifier.IdHeader, headers.Id);
        request.Headers.Add(StandardWebhookVerifier.TimestampHeader, headers.Timestamp);
        request.Headers.Add(StandardWebhookVerifier.SignatureHeader, headers.Signature);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.NotificationTimeout);
        try
        {
            return await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer from {url} within {_options.NotificationTimeout}");
        }
    }

    private async Task RecordAttemptAsync(
        long deliveryId, int attempts, int? status, string? error, string state, DateTimeOffset? next, CancellationToken cancellationToken)
    {
        using NpgsqlCommand update = _dataSource.CreateCommand(
            "UPDATE publisher.deliveries SET attempts = $2, last_status_code = $3, last_error = $4, status = $5, next_attempt_at = $6, " +
            "last_attempt_at = $7, delivered_at = CASE WHEN $5 = 'delivered' THEN $7 END WHERE id = $1");
        update.Parameters.Add(new() { Value = deliveryId });
        update.Parameters.Add(new() { Value = attempts });
        update.Parameters.Add(new() { Value = status is null ? DBNull.Value : status.Value });
        update.Parameters.Add(new() { Value = error is null ? DBNull.Value : error });
        update.Parameters.Add(new() { Value = state });
        update.Parameters.Add(new() { Value = next is null ? DBNull.Value : next.Value });
        update.Parameters.Add(new() { Value = _timeProvider.GetUtcNow() });
        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(1, LogLevel.Warning, "Notification {WebhookId} attempt {Attempt} failed: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string webhookId, int attempt, string? error);
}
