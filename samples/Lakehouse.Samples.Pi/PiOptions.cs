using System.Globalization;

namespace Lakehouse.Samples.Pi;

/// <summary>
/// The Pi's settings, bound from the <c>Pi</c> section: <c>appsettings.json</c>, environment variables
/// <c>LAKEHOUSE_PI__ApiBaseUrl</c> (and so on), and the command line (<c>--api-base-url</c>, <c>--Pi:ApiBaseUrl=</c>).
/// </summary>
public sealed class PiOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Pi";

    /// <summary>Base address of the Api; segments go to <c>POST {ApiBaseUrl}/ingest-transaction</c>.</summary>
    public string? ApiBaseUrl { get; set; }

    /// <summary>This device's id, sent as <c>x-device-id</c>.</summary>
    public string? DeviceId { get; set; }

    /// <summary>The edge-device token (JWT). Prefer <see cref="TokenFile"/> so it stays out of the environment.</summary>
    public string? Token { get; set; }

    /// <summary>A file holding the token; read again before each upload, so a rotated token is picked up.</summary>
    public string? TokenFile { get; set; }

    /// <summary>Folder watched for complete <c>*.jsonl</c> / <c>*.ndjson</c> files.</summary>
    public string? InboxPath { get; set; }

    /// <summary>Folder of the durable spool (segments, <c>dead/</c>, <c>rejected/</c>).</summary>
    public string? SpoolPath { get; set; }

    /// <summary>A segment is sealed once it holds this many bytes.</summary>
    public long SegmentMaxBytes { get; set; } = 1024 * 1024;

    /// <summary>A segment is sealed once it holds this many lines.</summary>
    public int SegmentMaxLines { get; set; } = 5000;

    /// <summary>A segment is sealed this long after its first line, so a quiet store still uploads.</summary>
    public TimeSpan SegmentMaxAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the inbox is scanned (a file-system watcher wakes the scan earlier).</summary>
    public TimeSpan InboxPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A file is taken only when it has not been written for this long.</summary>
    public TimeSpan InboxSettleTime { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Move processed inbox files to <c>{InboxPath}/done/</c> instead of deleting them.</summary>
    public bool KeepProcessedFiles { get; set; }

    /// <summary>With <c>--stdin</c>, lines read are made durable at least this often.</summary>
    public TimeSpan StdinFlushInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Time limit of one upload attempt.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First retry delay; doubles per attempt, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest retry delay.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Retries of one segment before it is put back in the queue (it is never dropped for being offline).</summary>
    public int MaxRetryAttempts { get; set; } = int.MaxValue;

    /// <summary>Longest line accepted (Lakehouse.Ingest's <c>MaxLineBytes</c>).</summary>
    public int MaxLineBytes { get; set; } = 64 * 1024;

    /// <summary>The problems that stop the Pi from starting, as messages naming the setting; empty when fine.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Require(string? value, string name, string example)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture,
                    $"Pi:{name} is required (appsettings.json \"Pi\": {{ \"{name}\": {example} }}, environment LAKEHOUSE_PI__{name}, or --Pi:{name}={example.Trim('"')})."));
            }
        }

        Require(ApiBaseUrl, nameof(ApiBaseUrl), "\"http://api.local:8080\"");
        Require(DeviceId, nameof(DeviceId), "\"pi5-0001\"");
        Require(InboxPath, nameof(InboxPath), "\"/var/lib/lakehouse-pi/inbox\"");
        Require(SpoolPath, nameof(SpoolPath), "\"/var/lib/lakehouse-pi/spool\"");
        if (!string.IsNullOrWhiteSpace(ApiBaseUrl)
            && (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out Uri? api) || (api.Scheme != Uri.UriSchemeHttp && api.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"Pi:ApiBaseUrl '{ApiBaseUrl}' is not an absolute http(s) URL.");
        }

        if (string.IsNullOrWhiteSpace(Token) && string.IsNullOrWhiteSpace(TokenFile))
        {
            errors.Add("Pi:Token or Pi:TokenFile is required (the edge-device token from `lakehouse token create --name <device> --role edge_uploader`; environment LAKEHOUSE_PI__TokenFile).");
        }
        else if (string.IsNullOrWhiteSpace(Token) && !File.Exists(TokenFile))
        {
            errors.Add($"Pi:TokenFile '{TokenFile}' does not exist.");
        }

        if (SegmentMaxBytes < 1024)
        {
            errors.Add("Pi:SegmentMaxBytes must be at least 1024.");
        }

        if (SegmentMaxLines < 1)
        {
            errors.Add("Pi:SegmentMaxLines must be at least 1.");
        }

        if (SegmentMaxAge <= TimeSpan.Zero || InboxPollInterval <= TimeSpan.Zero || StdinFlushInterval <= TimeSpan.Zero
            || RequestTimeout <= TimeSpan.Zero || RetryBaseDelay <= TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay || InboxSettleTime < TimeSpan.Zero)
        {
            errors.Add("Pi: SegmentMaxAge, InboxPollInterval, StdinFlushInterval, RequestTimeout and RetryBaseDelay must be positive, RetryMaxDelay ≥ RetryBaseDelay, InboxSettleTime ≥ 0.");
        }

        if (MaxRetryAttempts < 1)
        {
            errors.Add("Pi:MaxRetryAttempts must be at least 1.");
        }

        if (MaxLineBytes < 16)
        {
            errors.Add("Pi:MaxLineBytes must be at least 16.");
        }

        return errors;
    }
}
