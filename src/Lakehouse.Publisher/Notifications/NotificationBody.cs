namespace Lakehouse.Publisher.Notifications;

/// <summary>The JSON body of a dataset notification.</summary>
internal sealed record NotificationBody(string Type, string Dataset, string Version, string ManifestUrl, DateTimeOffset Timestamp);
