using Lakehouse.Publisher;
using Microsoft.Extensions.Options;

namespace Lakehouse.Samples.Worker;

/// <summary>Checks <see cref="WorkerOptions"/> when the host starts, naming each bad setting by its configuration key.</summary>
internal sealed class WorkerOptionsValidator : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        var errors = new List<string>();
        if (!TryFindTimeZone(options.TimeZone, out _))
        {
            errors.Add($"{WorkerOptions.Section}:TimeZone '{options.TimeZone}' is not a known time zone.");
        }

        MedallionScheduleOptions m = options.Medallion;
        if (m.Schedule is not null && !Cron.TryParse(m.Schedule, out _))
        {
            errors.Add($"{WorkerOptions.Section}:Medallion:Schedule '{m.Schedule}' is not a cron expression (5 fields, or 6 with seconds).");
        }

        if (m.Debounce < TimeSpan.Zero || m.Debounce > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{WorkerOptions.Section}:Medallion:Debounce must be between 0 and 10 minutes.");
        }

        if (m.SafetyInterval <= TimeSpan.Zero)
        {
            errors.Add($"{WorkerOptions.Section}:Medallion:SafetyInterval must be above 0.");
        }

        if (m.ReconnectBaseDelay <= TimeSpan.Zero || m.ReconnectMaxDelay < m.ReconnectBaseDelay)
        {
            errors.Add($"{WorkerOptions.Section}:Medallion:ReconnectBaseDelay must be above 0 and ReconnectMaxDelay at least as long.");
        }

        if (m.ProbeInterval <= TimeSpan.Zero)
        {
            errors.Add($"{WorkerOptions.Section}:Medallion:ProbeInterval must be above 0.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < options.Datasets.Count; i++)
        {
            ScheduledDataset d = options.Datasets[i];
            string key = $"{WorkerOptions.Section}:Datasets:{i}";
            if (WorkerDatasets.Find(d.Name) is null)
            {
                errors.Add($"{key}:Name '{d.Name}' is not a known dataset ({string.Join(", ", WorkerDatasets.Names)}).");
            }
            else if (!seen.Add(d.Name))
            {
                errors.Add($"{key}:Name '{d.Name}' is scheduled twice.");
            }

            if (!Cron.TryParse(d.Schedule, out _))
            {
                errors.Add($"{key}:Schedule '{d.Schedule}' is not a cron expression (5 fields, or 6 with seconds).");
            }

            if (d.Version is not null && !DatasetVersions.TryParse(d.Version, out _))
            {
                errors.Add($"{key}:Version '{d.Version}' is not a semantic version (major.minor.patch).");
            }

            if (d.CatchUpWindow < TimeSpan.Zero)
            {
                errors.Add($"{key}:CatchUpWindow must not be negative.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static bool TryFindTimeZone(string id, out TimeZoneInfo zone)
    {
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            zone = TimeZoneInfo.Utc;
            return false;
        }
    }
}
