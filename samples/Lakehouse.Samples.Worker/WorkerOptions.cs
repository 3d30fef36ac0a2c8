namespace Lakehouse.Samples.Worker;

/// <summary>The worker's own options, bound to <c>Lakehouse:Worker</c>.</summary>
public sealed class WorkerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Lakehouse:Worker";

    /// <summary>IANA time zone the cron schedules are read in (Philippine time by default).</summary>
    public string TimeZone { get; set; } = "Asia/Manila";

    /// <summary>When and how medallion passes run.</summary>
    public MedallionScheduleOptions Medallion { get; set; } = new();

    /// <summary>Odoo event processing.</summary>
    public OdooWorkerOptions Odoo { get; set; } = new();

    /// <summary>Datasets published on a schedule (needs <c>Lakehouse:Publisher:Root</c>).</summary>
    public IList<ScheduledDataset> Datasets { get; } = [];
}

/// <summary>Medallion passes: on bronze notifications (debounced), on a cron schedule, and a periodic safety pass.</summary>
public sealed class MedallionScheduleOptions
{
    /// <summary>Runs medallion passes at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>LISTENs on <c>lakehouse_bronze</c> and runs a pass when bronze changes.</summary>
    public bool Listen { get; set; } = true;

    /// <summary>Optional cron expression (5 fields, or 6 with seconds) of extra passes.</summary>
    public string? Schedule { get; set; }

    /// <summary>How long to wait after a notification for more before running one pass for all of them.</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A pass runs at least this often, so a missed notification costs at most one interval.</summary>
    public TimeSpan SafetyInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>First delay before reconnecting the listener (or retrying a failed pass); doubled each attempt, with jitter.</summary>
    public TimeSpan ReconnectBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest reconnect / retry delay.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long the listener waits for a notification before checking that its connection is alive.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Odoo event processing in the worker.</summary>
public sealed class OdooWorkerOptions
{
    /// <summary>Runs Lakehouse.Odoo's event processor as a hosted service.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Event types handled by the sample handler, which logs each event (replace it with your own handlers).</summary>
    public IList<string> LogEventTypes { get; } = [];
}

/// <summary>One dataset published on a schedule.</summary>
public sealed class ScheduledDataset
{
    /// <summary>The dataset: one of the worker's definitions (<see cref="WorkerDatasets"/>) or Lakehouse.Publisher's built-in ones.</summary>
    public string Name { get; set; } = "";

    /// <summary>Cron expression (5 fields, or 6 with seconds) in <see cref="WorkerOptions.TimeZone"/>.</summary>
    public string Schedule { get; set; } = "";

    /// <summary>The first version to publish (later slots bump the patch); the definition's version when null.</summary>
    public string? Version { get; set; }

    /// <summary>At start, the most recent slot within this window that has no version yet is published (catch-up).</summary>
    public TimeSpan CatchUpWindow { get; set; } = TimeSpan.FromDays(1);
}
