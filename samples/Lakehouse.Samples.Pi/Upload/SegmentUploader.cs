using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Lakehouse.Samples.Pi.Spool;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Lakehouse.Samples.Pi.Upload;

/// <summary>What became of one segment.</summary>
internal enum UploadOutcome
{
    /// <summary>The Api answered 2xx; the segment was deleted.</summary>
    Acknowledged,

    /// <summary>The Api refused it for good (a 4xx other than 401, 403, 408, 429); moved to <c>dead/</c>.</summary>
    Dead,

    /// <summary>Still failing after <see cref="PiOptions.MaxRetryAttempts"/>; left in the spool for the next round.</summary>
    Deferred,
}

/// <summary>The Api's acknowledgement, read leniently: any field may be missing, unknown fields are ignored.</summary>
internal readonly record struct IngestAck(long? Accepted, long? Inserted, long? Duplicates, long? Rejected)
{
    public static IngestAck Parse(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return default;
            }

            JsonElement root = doc.RootElement;
            return new IngestAck(Number(root, "accepted"), Number(root, "inserted"), Number(root, "duplicates"), Number(root, "rejected"));
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static long? Number(JsonElement root, string name)
    {
        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (!property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            JsonElement value = property.Value;
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n))
            {
                return n;
            }

            if (value.ValueKind == JsonValueKind.Array)
            {
                return value.GetArrayLength(); // e.g. "rejected": [ {line, reason}, ... ]
            }

            if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out n))
            {
                return n;
            }
        }

        return null;
    }
}

/// <summary>
/// Sends one sealed segment as one <c>application/x-ndjson</c> batch to <c>POST {ApiBaseUrl}/ingest-transaction</c>
/// with the device token and <c>x-device-id</c>. Network errors, time-outs, 5xx, 408 and 429 are retried with
/// exponential backoff and jitter (Polly), honouring <c>Retry-After</c>; so are 401 and 403 (the token is at fault,
/// not the segment: it is read again from <see cref="PiOptions.TokenFile"/> each attempt). A 413 splits the segment at
/// a line boundary and sends the halves (again and again, down to single lines). Any other 4xx moves the segment, or
/// the refused part of a split one, to <c>dead/</c>. The segment is deleted only after every part got a 2xx or a
/// final refusal.
/// </summary>
internal sealed class SegmentUploader
{
    private readonly HttpClient _http;
    private readonly SegmentSpool _spool;
    private readonly PiOptions _options;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly Uri _endpoint;
    private readonly ResiliencePipeline<Attempt> _pipeline;

    public SegmentUploader(HttpClient http, SegmentSpool spool, PiOptions options, TimeProvider time, ILogger<SegmentUploader> log)
    {
        _http = http;
        _spool = spool;
        _options = options;
        _log = log;
        _time = time;
        _endpoint = new Uri(options.ApiBaseUrl!.TrimEnd('/') + "/ingest-transaction");
        _pipeline = new ResiliencePipelineBuilder<Attempt> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<Attempt>
            {
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome, args.Context.CancellationToken)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                MaxRetryAttempts = options.MaxRetryAttempts,
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result.RetryAfter is { } after && after > TimeSpan.Zero
                    ? (TimeSpan?)(after < options.RetryMaxDelay ? after : options.RetryMaxDelay)
                    : null),
                OnRetry = args =>
                {
                    PiLog.UploadRetry(_log, args.Context.Properties.GetValue(SegmentKey, ""), args.AttemptNumber + 1,
                        args.Outcome.Exception?.Message ?? "HTTP " + args.Outcome.Result.Status.ToString(CultureInfo.InvariantCulture),
                        args.RetryDelay);
                    Attempts++;
                    return default;
                },
            })
            .Build();
    }

    private static readonly ResiliencePropertyKey<string> SegmentKey = new("segment");

    /// <summary>Failed attempts so far (for tests and status).</summary>
    public long Attempts { get; private set; }

    /// <summary>Uploads every sealed segment, oldest first, stopping at the first one deferred; returns the outcomes.</summary>
    public async Task<IReadOnlyList<UploadOutcome>> DrainAsync(CancellationToken cancellationToken)
    {
        var outcomes = new List<UploadOutcome>();
        foreach (string segment in _spool.SealedSegments())
        {
            UploadOutcome outcome = await UploadAsync(segment, cancellationToken).ConfigureAwait(false);
            outcomes.Add(outcome);
            if (outcome == UploadOutcome.Deferred)
            {
                break;
            }
        }

        return outcomes;
    }

    /// <summary>Uploads one sealed segment; see the type's remarks.</summary>
    public async Task<UploadOutcome> UploadAsync(string segment, CancellationToken cancellationToken)
    {
        string name = Path.GetFileName(segment);
        byte[] body = await File.ReadAllBytesAsync(segment, cancellationToken).ConfigureAwait(false);
        if (body.Length == 0)
        {
            _spool.Acknowledge(segment);
            return UploadOutcome.Acknowledged;
        }

        var refused = new List<RefusedPart>();
        bool delivered = await DeliverAsync(name, body, refused, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (!delivered)
        {
            // Parts already acknowledged are sent again next round; bronze's unique key makes them duplicates.
            return UploadOutcome.Deferred;
        }

        if (refused.Count == 0)
        {
            _spool.Acknowledge(segment);
            return UploadOutcome.Acknowledged;
        }

        if (refused is [{ Offset: 0 } whole] && whole.Length == body.Length)
        {
            string dead = _spool.MoveToDead(segment, whole.Reason);
            PiLog.SegmentDead(_log, name, whole.Status, dead, whole.Response);
            return UploadOutcome.Dead;
        }

        // The segment was split after a 413 and some parts were refused: keep exactly those lines in dead/ (durably)
        // before the segment goes; a crash in between sends the segment again and rewrites the same part files.
        foreach (RefusedPart part in refused)
        {
            string dead = _spool.WriteDead(name, part.Offset, body.AsSpan(part.Offset, part.Length), part.Reason);
            PiLog.SegmentDead(_log, name, part.Status, dead, part.Response);
        }

        _spool.Acknowledge(segment);
        return UploadOutcome.Dead;
    }

    /// <summary>
    /// Sends <paramref name="body"/> (whole lines); true when every line was acknowledged or refused for good (refusals
    /// are added to <paramref name="refused"/>), false when the Api could not be reached or stayed busy (deferred).
    /// A 413 (body too large for the Api) splits the lines in two halves at a line boundary and sends each, so a
    /// segment bigger than the Api's body limit is delivered in pieces; only a single line too large is refused.
    /// </summary>
    private async Task<bool> DeliverAsync(string name, ReadOnlyMemory<byte> body, List<RefusedPart> refused, CancellationToken cancellationToken, int offset = 0)
    {
        Outcome<Attempt> outcome = await SendWithRetriesAsync(name, body, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (outcome.Exception is not null)
        {
            PiLog.UploadDeferred(_log, name, outcome.Exception.Message);
            return false;
        }

        Attempt attempt = outcome.Result;
        if (attempt.Status is >= 200 and < 300)
        {
            IngestAck ack = IngestAck.Parse(attempt.Body);
            PiLog.SegmentAcknowledged(_log, name, attempt.Status, ack.Accepted ?? -1, ack.Inserted ?? -1, ack.Duplicates ?? -1, ack.Rejected ?? -1);
            if (ack.Rejected > 0)
            {
                PiLog.ApiRejectedLines(_log, name, ack.Rejected.Value, Truncate(attempt.Body));
            }

            return true;
        }

        if (IsTransient(attempt.Status))
        {
            PiLog.UploadDeferred(_log, name, "HTTP " + attempt.Status.ToString(CultureInfo.InvariantCulture));
            return false;
        }

        if (attempt.Status == (int)HttpStatusCode.RequestEntityTooLarge && SplitPoint(body.Span) is int split and > 0)
        {
            PiLog.SegmentSplit(_log, name, body.Length, split, body.Length - split);
            return await DeliverAsync(name, body[..split], refused, cancellationToken, offset).ConfigureAwait(false)
                && await DeliverAsync(name, body[split..], refused, cancellationToken, offset + split).ConfigureAwait(false);
        }

        string reason = string.Create(CultureInfo.InvariantCulture, $"HTTP {attempt.Status} from {_endpoint}: {Truncate(attempt.Body)}");
        refused.Add(new RefusedPart(offset, body.Length, attempt.Status, reason, Truncate(attempt.Body)));
        return true;
    }

    /// <summary>The start of the line nearest the middle of <paramref name="body"/>; 0 when it holds one line only.</summary>
    internal static int SplitPoint(ReadOnlySpan<byte> body)
    {
        int middle = Math.Max(body.Length / 2 - 1, 0); // a newline here makes the exact middle a line start
        int after = body[middle..].IndexOf((byte)'\n');
        if (after >= 0 && middle + after + 1 < body.Length)
        {
            return middle + after + 1;
        }

        int before = body[..middle].LastIndexOf((byte)'\n');
        return before >= 0 ? before + 1 : 0;
    }

    private async Task<Outcome<Attempt>> SendWithRetriesAsync(string name, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ResilienceContext context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(SegmentKey, name);
        try
        {
            return await _pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    try
                    {
                        return Outcome.FromResult(await state.Self.SendAsync(state.Body, ctx.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
                    {
                        return Outcome.FromException<Attempt>(ex);
                    }
                },
                context, (Self: this, Body: body)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Lines of a segment the Api refused for good: where they are in the segment and why.</summary>
    private readonly record struct RefusedPart(int Offset, int Length, int Status, string Reason, string Response);

    private async Task<Attempt> SendAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        string token = _options.Token is { Length: > 0 } t ? t.Trim()
            : (await File.ReadAllTextAsync(_options.TokenFile!, cancellationToken).ConfigureAwait(false)).Trim();
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.TryAddWithoutValidation("x-device-id", _options.DeviceId);
        using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        TimeSpan? retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - _time.GetUtcNow(),
            _ => null,
        };
        return new Attempt((int)response.StatusCode, text, retryAfter);
    }

    private static bool IsTransient(Outcome<Attempt> outcome, CancellationToken cancellationToken) => outcome.Exception switch
    {
        null => IsTransient(outcome.Result.Status),
        OperationCanceledException => !cancellationToken.IsCancellationRequested, // HttpClient.Timeout
        HttpRequestException or IOException => true,
        _ => false,
    };

    private static bool IsTransient(int status) => status is (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests
        or (int)HttpStatusCode.Unauthorized or (int)HttpStatusCode.Forbidden or >= 500;

    private static string Truncate(string text) => text.Length > 500 ? text[..500] + "…" : text;

    /// <summary>One HTTP exchange.</summary>
    internal readonly record struct Attempt(int Status, string Body, TimeSpan? RetryAfter);
}
