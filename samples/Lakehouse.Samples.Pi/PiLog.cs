using Microsoft.Extensions.Logging;

namespace Lakehouse.Samples.Pi;

/// <summary>The Pi's log messages (source-generated).</summary>
internal static partial class PiLog
{
    [LoggerMessage(1, LogLevel.Information, "Pi ready: device {DeviceId}, inbox {Inbox}, spool {Spool}, {Pending} segment(s) waiting, api {Api}")]
    public static partial void Ready(ILogger logger, string deviceId, string inbox, string spool, int pending, string api);

    [LoggerMessage(2, LogLevel.Warning, "Spool recovered after a crash: {Sealed} open segment(s) sealed, {TornBytes} torn byte(s) cut, {Temps} temp file(s) deleted, {Empty} empty segment(s) deleted")]
    public static partial void SpoolRecovered(ILogger logger, int @sealed, long tornBytes, int temps, int empty);

    [LoggerMessage(3, LogLevel.Debug, "Segment {Segment} sealed: {Lines} lines, {Bytes} bytes")]
    public static partial void SegmentSealed(ILogger logger, string segment, int lines, long bytes);

    [LoggerMessage(4, LogLevel.Information, "Inbox file {File}: {Valid} line(s) spooled, {Rejected} rejected")]
    public static partial void InboxFileIngested(ILogger logger, string file, long valid, long rejected);

    [LoggerMessage(5, LogLevel.Warning, "Inbox file {File} cannot be read now; will retry")]
    public static partial void InboxFileUnreadable(ILogger logger, string file, Exception exception);

    [LoggerMessage(6, LogLevel.Error, "Inbox scan failed; will retry")]
    public static partial void InboxScanFailed(ILogger logger, Exception exception);

    [LoggerMessage(7, LogLevel.Information, "File-system watcher unavailable ({Reason}); polling only")]
    public static partial void WatcherUnavailable(ILogger logger, string reason);

    [LoggerMessage(8, LogLevel.Information, "Standard input ended: {Valid} line(s) spooled, {Rejected} rejected")]
    public static partial void StdinEnded(ILogger logger, long valid, long rejected);

    [LoggerMessage(9, LogLevel.Warning, "Upload of {Segment} failed (attempt {Attempt}): {Error}; retrying in {Delay}")]
    public static partial void UploadRetry(ILogger logger, string segment, int attempt, string error, TimeSpan delay);

    [LoggerMessage(10, LogLevel.Information, "Segment {Segment} acknowledged (HTTP {Status}): accepted {Accepted}, inserted {Inserted}, duplicates {Duplicates}, rejected {Rejected}")]
    public static partial void SegmentAcknowledged(ILogger logger, string segment, int status, long accepted, long inserted, long duplicates, long rejected);

    [LoggerMessage(11, LogLevel.Warning, "The Api rejected {Rejected} line(s) of {Segment} that the Pi found valid: {Response}")]
    public static partial void ApiRejectedLines(ILogger logger, string segment, long rejected, string response);

    [LoggerMessage(12, LogLevel.Error, "Segment {Segment} refused by the Api (HTTP {Status}), moved to {DeadPath}: {Response}")]
    public static partial void SegmentDead(ILogger logger, string segment, int status, string deadPath, string response);

    [LoggerMessage(13, LogLevel.Warning, "Upload of {Segment} deferred: {Error}")]
    public static partial void UploadDeferred(ILogger logger, string segment, string error);

    [LoggerMessage(14, LogLevel.Error, "Upload loop failed; will retry")]
    public static partial void UploadLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(16, LogLevel.Warning, "The Api found {Segment} too large ({Bytes} bytes, HTTP 413): sending it as two parts of {First} and {Second} bytes")]
    public static partial void SegmentSplit(ILogger logger, string segment, int bytes, int first, int second);

    [LoggerMessage(15, LogLevel.Information, "Pi stopping: spool flushed, {Pending} segment(s) waiting")]
    public static partial void Stopped(ILogger logger, int pending);
}
