namespace Lakehouse.Medallion;

/// <summary>Part of the day in Philippine time (UTC+8), as DESIGN.md fixes it.</summary>
public enum TimeOfDay
{
    /// <summary>[06:00, 12:00).</summary>
    Morning,

    /// <summary>[12:00, 18:00).</summary>
    Afternoon,

    /// <summary>[18:00, 22:00).</summary>
    Evening,

    /// <summary>[22:00, 06:00).</summary>
    Night,
}

/// <summary>Philippine local time (UTC+8, no daylight saving): the date key and time of day of a transaction.</summary>
public static class PhilippineTime
{
    /// <summary>The fixed offset of Philippine Standard Time.</summary>
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>The local date of <paramref name="timestamp"/> in the Philippines.</summary>
    /// <param name="timestamp">Any instant, with any offset.</param>
    /// <returns>The Philippine calendar date.</returns>
    public static DateOnly DateKey(DateTimeOffset timestamp) => DateOnly.FromDateTime(timestamp.ToOffset(Offset).DateTime);

    /// <summary>The part of the day of <paramref name="timestamp"/> in Philippine time.</summary>
    /// <param name="timestamp">Any instant, with any offset.</param>
    /// <returns>Morning [06,12), afternoon [12,18), evening [18,22), night [22,06).</returns>
    public static TimeOfDay TimeOfDayOf(DateTimeOffset timestamp) => timestamp.ToOffset(Offset).Hour switch
    {
        >= 6 and < 12 => TimeOfDay.Morning,
        >= 12 and < 18 => TimeOfDay.Afternoon,
        >= 18 and < 22 => TimeOfDay.Evening,
        _ => TimeOfDay.Night,
    };

    internal static string ToSql(this TimeOfDay value) => value switch
    {
        TimeOfDay.Morning => "morning",
        TimeOfDay.Afternoon => "afternoon",
        TimeOfDay.Evening => "evening",
        _ => "night",
    };
}
