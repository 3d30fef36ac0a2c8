using System.ComponentModel.DataAnnotations;

namespace Lakehouse.Odoo;

/// <summary>Options of the Odoo event store and processor; bind to <c>Lakehouse:Odoo</c>.</summary>
public sealed class OdooOptions
{
    /// <summary>Name of the Odoo instance (e.g. <c>prod</c>); keys cursors, mappings and shadows.</summary>
    /// <value>Default <c>default</c>.</value>
    [Required]
    [RegularExpression("^[a-z][a-z0-9_]*$")]
    public string Instance { get; set; } = "default";

    /// <summary>Attempts before an event is marked <c>failed</c>.</summary>
    /// <value>Default 5.</value>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>(At least 1 s.) How long a processor owns a leased event; after that another processor may take it over (crash recovery).</summary>
    /// <value>Default 5 minutes.</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Events leased per round trip.</summary>
    /// <value>Default 16.</value>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 16;

    /// <summary>Delay before the first retry (must be ≥ 0); doubled per attempt, with ±20 % jitter.</summary>
    /// <value>Default 2 seconds.</value>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Upper bound of the retry delay.</summary>
    /// <value>Default 10 minutes.</value>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the hosted processor polls when idle.</summary>
    /// <value>Default 1 second.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Key of a keyed <c>NpgsqlDataSource</c> registration to use; <see langword="null"/> for the unkeyed one.</summary>
    public string? DataSourceKey { get; set; }
}
