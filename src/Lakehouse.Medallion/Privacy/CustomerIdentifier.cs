using PhoneNumbers;

namespace Lakehouse.Medallion;

/// <summary>What a customer identifier turned out to be once normalized.</summary>
public enum CustomerIdentifierKind
{
    /// <summary>Empty or white space only: no customer.</summary>
    None = 0,

    /// <summary>A valid phone number (Philippine by default), normalized to E.164 (<c>+639171234567</c>).</summary>
    Phone = 1,

    /// <summary>An e-mail address (contains <c>@</c>), trimmed and lower-cased.</summary>
    Email = 2,

    /// <summary>Anything else (a loyalty code, a POS's own id), trimmed and upper-cased.</summary>
    Other = 3,
}

/// <summary>
/// Normalizes the <c>customer_id</c> a POS sends so that one person typed two ways is one identifier: phone numbers to
/// E.164 (a hand-written, allocation-free path for the common Philippine mobile spellings; libphonenumber for the
/// rest), e-mails trimmed and lower-cased, anything else trimmed and upper-cased.
/// </summary>
internal static class CustomerIdentifier
{
    /// <summary>Longest E.164 text (<c>+</c> and 15 digits).</summary>
    public const int MaxPhoneLength = 16;

    private const string Region = "PH";

    // For each two digits XX after the leading 9 of a Philippine mobile national number (9XX…): 1 = libphonenumber
    // says every sampled number with that prefix is valid, 2 = none is, 0 = mixed (left to libphonenumber).
    private static readonly byte[] MobilePrefixes = BuildMobilePrefixTable();

    /// <summary>How many chars <see cref="Normalize"/> may need for an input of <paramref name="length"/> chars.</summary>
    public static int MaxNormalizedLength(int length) => Math.Max(length, MaxPhoneLength);

    /// <summary>Normalizes <paramref name="identifier"/> into <paramref name="destination"/>.</summary>
    /// <param name="identifier">As typed at the POS.</param>
    /// <param name="destination">At least <see cref="MaxNormalizedLength"/> chars.</param>
    /// <param name="written">Chars written.</param>
    /// <param name="useFastPath">False only in tests that compare the fast path with libphonenumber.</param>
    public static CustomerIdentifierKind Normalize(ReadOnlySpan<char> identifier, Span<char> destination, out int written, bool useFastPath = true)
    {
        ReadOnlySpan<char> text = identifier.Trim();
        written = 0;
        if (text.IsEmpty)
        {
            return CustomerIdentifierKind.None;
        }

        if (text.Contains('@'))
        {
            written = text.ToLowerInvariant(destination);
            return CustomerIdentifierKind.Email;
        }

        if ((useFastPath && TryPhilippineMobile(text, destination, out written)) || TryPhoneSlow(text, destination, out written))
        {
            return CustomerIdentifierKind.Phone;
        }

        written = text.ToUpperInvariant(destination);
        return CustomerIdentifierKind.Other;
    }

    /// <summary>
    /// The common spellings of a Philippine mobile number without libphonenumber: <c>09171234567</c>,
    /// <c>+63 917 123 4567</c>, <c>0917-123-4567</c>, <c>639171234567</c>, <c>(0917) 123 4567</c>, <c>917.123.4567</c>.
    /// Answers only when libphonenumber would give the same E.164 (an FsCheck property checks this); anything else
    /// returns false and goes the slow way.
    /// </summary>
    internal static bool TryPhilippineMobile(ReadOnlySpan<char> text, Span<char> destination, out int written)
    {
        written = 0;
        Span<char> digits = stackalloc char[12];
        int count = 0, i = 0;
        bool plus = text[0] == '+';
        if (plus)
        {
            i = 1;
        }

        char previous = '\0';
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsAsciiDigit(c))
            {
                if (count == digits.Length)
                {
                    return false;
                }

                digits[count++] = c;
            }
            else if (c is not (' ' or '-' or '.' or '(' or ')') || (previous is ' ' or '-' or '.' && c is ' ' or '-' or '.'))
            {
                return false;
            }

            previous = c;
        }

        int start;
        if (!plus && count == 11 && digits[0] == '0' && digits[1] == '9')
        {
            start = 1;
        }
        else if (count == 12 && digits[0] == '6' && digits[1] == '3' && digits[2] == '9')
        {
            start = 2;
        }
        else if (!plus && count == 10 && digits[0] == '9')
        {
            start = 0;
        }
        else
        {
            return false;
        }

        int prefix = ((digits[start + 1] - '0') * 10) + (digits[start + 2] - '0');
        if (MobilePrefixes[prefix] != 1 || destination.Length < 13)
        {
            return false;
        }

        destination[0] = '+';
        destination[1] = '6';
        destination[2] = '3';
        digits.Slice(start, 10).CopyTo(destination[3..]);
        written = 13;
        return true;
    }

    /// <summary>libphonenumber: parsed with the Philippines as the default region, kept only when valid.</summary>
    internal static bool TryPhoneSlow(ReadOnlySpan<char> text, Span<char> destination, out int written)
    {
        written = 0;
        if (!LooksLikePhone(text))
        {
            return false;
        }

        PhoneNumberUtil util = PhoneNumberUtil.GetInstance();
        PhoneNumber number;
        try
        {
            number = util.Parse(text.ToString(), Region);
        }
        catch (NumberParseException)
        {
            return false;
        }

        if (!util.IsValidNumber(number))
        {
            return false;
        }

        string e164 = util.Format(number, PhoneNumberFormat.E164);
        if (e164.Length > destination.Length)
        {
            return false;
        }

        e164.AsSpan().CopyTo(destination);
        written = e164.Length;
        return true;
    }

    // Digits with the usual separators, an optional leading '+', 7 to 17 digits: the only texts worth asking
    // libphonenumber about (it would otherwise read digits out of loyalty codes such as "LC-0001").
    private static bool LooksLikePhone(ReadOnlySpan<char> text)
    {
        int digits = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (!(c is ' ' or '-' or '.' or '(' or ')' or '/' || (c == '+' && i == 0)))
            {
                return false;
            }
        }

        return digits is >= 7 and <= 17;
    }

    private static byte[] BuildMobilePrefixTable()
    {
        PhoneNumberUtil util = PhoneNumberUtil.GetInstance();
        var table = new byte[100];
        string[] tails = ["0000000", "1234567", "5555555", "9876543", "9999999"];
        for (int prefix = 0; prefix < 100; prefix++)
        {
            int valid = 0;
            foreach (string tail in tails)
            {
                PhoneNumber number = util.Parse(string.Concat("09", prefix.ToString("D2", System.Globalization.CultureInfo.InvariantCulture), tail), Region);
                if (util.IsValidNumber(number) && util.GetNumberType(number) == PhoneNumberType.MOBILE)
                {
                    valid++;
                }
            }

            table[prefix] = valid == tails.Length ? (byte)1 : valid == 0 ? (byte)2 : (byte)0;
        }

        return table;
    }
}
