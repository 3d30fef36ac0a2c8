namespace Lakehouse.Samples.Api;

/// <summary>The host's own settings, bound from the <c>Lakehouse</c> configuration section.</summary>
internal sealed class ApiSettings
{
    /// <summary>The service credential for reads (<c>Authorization: Bearer &lt;key&gt;</c>); reads are refused to everyone while empty.</summary>
    public string ServiceKey { get; set; } = "";

    /// <summary>The largest request body accepted, in bytes (<c>Lakehouse:Api:MaxBodyBytes</c>).</summary>
    public long MaxBodyBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>How many per-line errors an ingest answer lists before it sets <c>truncated</c>.</summary>
    public int MaxErrors { get; set; } = 100;

    /// <summary>Requests per second each device (or, unauthenticated, each client address) may make on the write endpoints.</summary>
    public int PermitsPerSecond { get; set; } = 50;

    /// <summary>The burst a device may make above <see cref="PermitsPerSecond"/> (the token bucket's size).</summary>
    public int Burst { get; set; } = 100;

    /// <summary>The landing zone's root directory; the upload endpoint answers 503 while it is empty.</summary>
    public string LandingRoot { get; set; } = "";

    /// <summary>The storage bucket name that maps to the landing zone.</summary>
    public string LandingBucket { get; set; } = "landing";

    public static ApiSettings From(IConfiguration config)
    {
        var s = new ApiSettings { ServiceKey = config["Lakehouse:ServiceKey"] ?? "" };
        IConfigurationSection api = config.GetSection("Lakehouse:Api");
        s.MaxBodyBytes = api.GetValue("MaxBodyBytes", s.MaxBodyBytes);
        s.MaxErrors = api.GetValue("MaxErrors", s.MaxErrors);
        s.PermitsPerSecond = api.GetValue("RateLimit:PermitsPerSecond", s.PermitsPerSecond);
        s.Burst = api.GetValue("RateLimit:Burst", s.Burst);
        IConfigurationSection landing = config.GetSection("Lakehouse:Landing");
        s.LandingRoot = landing["Root"] ?? "";
        s.LandingBucket = landing["Bucket"] ?? s.LandingBucket;
        if (s.MaxBodyBytes < 1 || s.MaxErrors < 0 || s.PermitsPerSecond < 1 || s.Burst < 1)
        {
            throw new InvalidOperationException("Lakehouse:Api limits must be positive (MaxErrors may be 0).");
        }

        return s;
    }
}
