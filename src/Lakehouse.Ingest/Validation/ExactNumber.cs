namespace Lakehouse.Ingest;

/// <summary>
/// Compares JSON number texts as exact decimals, without converting to <see cref="double"/> or
/// <see cref="decimal"/>: <c>-1e-400</c> is negative, <c>1e400</c> is above any decimal ceiling.
/// </summary>
internal static class ExactNumber
{
    // Exponents are clamped well inside long so that pointPos arithmetic cannot overflow; any exponent this
    // large already decides every comparison against the small limits we use.
    private const long ExponentClamp = 1_000_000_000_000;

    /// <summary>Compares two JSON number texts (already known to match the JSON number grammar).</summary>
    public static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        Parts x = Split(a);
        Parts y = Split(b);
        int sx = x.IsZero ? 0 : x.Negative ? -1 : 1;
        int sy = y.IsZero ? 0 : y.Negative ? -1 : 1;
        if (sx != sy)
        {
            return sx.CompareTo(sy);
        }

        if (sx == 0)
        {
            return 0;
        }

        int magnitude = CompareMagnitude(x, y);
        return sx > 0 ? magnitude : -magnitude;
    }

    /// <summary>The sign of a JSON number text: -1, 0 or 1 (negative zero is 0).</summary>
    public static int Sign(ReadOnlySpan<byte> number)
    {
        Parts p = Split(number);
        return p.IsZero ? 0 : p.Negative ? -1 : 1;
    }

    private static int CompareMagnitude(Parts x, Parts y)
    {
        if (x.PointPos != y.PointPos)
        {
            return x.PointPos.CompareTo(y.PointPos);
        }

        // Same order of magnitude: compare significant digits one by one, skipping the decimal point.
        int n = Math.Max(x.DigitCount, y.DigitCount);
        for (int i = 0; i < n; i++)
        {
            int dx = x.Digit(i);
            int dy = y.Digit(i);
            if (dx != dy)
            {
                return dx.CompareTo(dy);
            }
        }

        return 0;
    }

    private static Parts Split(ReadOnlySpan<byte> s)
    {
        int i = 0;
        bool negative = false;
        if (i < s.Length && s[i] == '-')
        {
            negative = true;
            i++;
        }

        int intStart = i;
        while (i < s.Length && IsDigit(s[i]))
        {
            i++;
        }

        ReadOnlySpan<byte> intDigits = s[intStart..i];
        ReadOnlySpan<byte> fracDigits = default;
        if (i < s.Length && s[i] == '.')
        {
            int fracStart = ++i;
            while (i < s.Length && IsDigit(s[i]))
            {
                i++;
            }

            fracDigits = s[fracStart..i];
        }

        long exponent = 0;
        if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
        {
            i++;
            bool expNegative = false;
            if (i < s.Length && (s[i] == '+' || s[i] == '-'))
            {
                expNegative = s[i] == '-';
                i++;
            }

            for (; i < s.Length && IsDigit(s[i]); i++)
            {
                if (exponent < ExponentClamp)
                {
                    exponent = (exponent * 10) + (s[i] - '0');
                }
            }

            if (expNegative)
            {
                exponent = -exponent;
            }
        }

        // value = 0.D x 10^pointPos where D = intDigits + fracDigits without leading/trailing zeros.
        long pointPos = intDigits.Length + exponent;
        int lead = 0;
        int total = intDigits.Length + fracDigits.Length;
        while (lead < total && DigitAt(intDigits, fracDigits, lead) == 0)
        {
            lead++;
            pointPos--;
        }

        int end = total;
        while (end > lead && DigitAt(intDigits, fracDigits, end - 1) == 0)
        {
            end--;
        }

        return new Parts(negative, pointPos, intDigits, fracDigits, lead, end);
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static int DigitAt(ReadOnlySpan<byte> intDigits, ReadOnlySpan<byte> fracDigits, int index) =>
        index < intDigits.Length ? intDigits[index] - '0' : fracDigits[index - intDigits.Length] - '0';

    private readonly ref struct Parts(bool negative, long pointPos, ReadOnlySpan<byte> intDigits, ReadOnlySpan<byte> fracDigits, int start, int end)
    {
        private readonly ReadOnlySpan<byte> _int = intDigits;
        private readonly ReadOnlySpan<byte> _frac = fracDigits;
        private readonly int _start = start;

        public bool Negative { get; } = negative;

        public long PointPos { get; } = pointPos;

        public int DigitCount { get; } = end - start;

        public bool IsZero => DigitCount == 0;

        public int Digit(int i) => i < DigitCount ? DigitAt(_int, _frac, _start + i) : 0;
    }
}
