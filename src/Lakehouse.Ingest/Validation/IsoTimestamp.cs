namespace Lakehouse.Ingest;

/// <summary>
/// Parses ISO-8601 (extended format) / RFC 3339 timestamps that carry an offset:
/// <c>yyyy-MM-ddTHH:mm[:ss[.fffffffff]]</c> followed by <c>Z</c>, <c>±HH:mm</c>, <c>±HHmm</c> or <c>±HH</c>.
/// A timestamp without an offset is refused, because the devices' local time cannot be assumed; so are a date
/// alone and a space instead of <c>T</c> (not ISO-8601). <c>t</c> and <c>z</c> may be lower case (RFC 3339).
/// A leap second (<c>:60</c>) is read as the first instant of the next minute and <c>24:00:00</c> as the start
/// of the next day, as PostgreSQL's <c>timestamptz</c> reads them. Allocation-free; no culture.
/// </summary>
internal static class IsoTimestamp
{
    public static bool TryParse(ReadOnlySpan<byte> s, out DateTimeOffset value)
    {
        value = default;
        if (s.Length < 17
            || !Digits(s, 0, 4, out int year) || s[4] != '-'
            || !Digits(s, 5, 2, out int month) || s[7] != '-'
            || !Digits(s, 8, 2, out int day)
            || (s[10] != 'T' && s[10] != 't')
            || !Digits(s, 11, 2, out int hour) || s[13] != ':'
            || !Digits(s, 14, 2, out int minute))
        {
            return false;
        }

        int i = 16;
        int second = 0;
        long ticks = 0;
        if (i < s.Length && s[i] == ':')
        {
            if (!Digits(s, i + 1, 2, out second))
            {
                return false;
            }

            i += 3;
            if (i < s.Length && (s[i] == '.' || s[i] == ','))
            {
                i++;
                int start = i;
                long scale = TimeSpan.TicksPerSecond;
                while (i < s.Length && (uint)(s[i] - '0') <= 9)
                {
                    // Digits beyond 100 ns are accepted and truncated.
                    if (scale > 1)
                    {
                        scale /= 10;
                        ticks += (s[i] - '0') * scale;
                    }

                    i++;
                }

                if (i == start)
                {
                    return false;
                }
            }
        }

        if (i >= s.Length)
        {
            return false; // no offset
        }

        int offsetMinutes;
        if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == s.Length)
        {
            offsetMinutes = 0;
        }
        else if (s[i] == '+' || s[i] == '-')
        {
            int sign = s[i] == '-' ? -1 : 1;
            int rest = s.Length - i - 1;
            int offH, offM = 0;
            bool ok = rest switch
            {
                2 => Digits(s, i + 1, 2, out offH),
                4 => Digits(s, i + 1, 2, out offH) && Digits(s, i + 3, 2, out offM),
                5 => Digits(s, i + 1, 2, out offH) && s[i + 3] == ':' && Digits(s, i + 4, 2, out offM),
                _ => Fail(out offH),
            };
            if (!ok || offH > 14 || offM > 59 || (offH == 14 && offM != 0))
            {
                return false;
            }

            offsetMinutes = sign * ((offH * 60) + offM);
        }
        else
        {
            return false;
        }

        // 24:00:00 (end of the day) and a leap second :60 are valid ISO-8601; both roll over like PostgreSQL.
        bool endOfDay = hour == 24 && minute == 0 && second == 0 && ticks == 0;
        if (year < 1 || year > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || (hour > 23 && !endOfDay) || minute > 59 || second > 60)
        {
            return false;
        }

        long localTicks = new DateTime(year, month, day, endOfDay ? 0 : hour, minute, 0, DateTimeKind.Unspecified).Ticks
            + (endOfDay ? TimeSpan.TicksPerDay : 0) + (second * TimeSpan.TicksPerSecond) + ticks;
        if (localTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        long utcTicks = localTicks - (offsetMinutes * TimeSpan.TicksPerMinute);
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(localTicks, TimeSpan.FromMinutes(offsetMinutes));
        return true;
    }

    private static bool Fail(out int value)
    {
        value = 0;
        return false;
    }

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
        {
            return false;
        }

        for (int i = start; i < start + count; i++)
        {
            uint d = (uint)(s[i] - '0');
            if (d > 9)
            {
                return false;
            }

            value = (value * 10) + (int)d;
        }

        return true;
    }
}
