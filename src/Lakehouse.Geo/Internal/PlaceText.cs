namespace Lakehouse.Geo;

/// <summary>Folds typed place names to comparable keys: lower-case ASCII, accents dropped, punctuation as spaces, common abbreviations expanded.</summary>
internal static class PlaceText
{
    /// <summary>Room a destination buffer needs for <paramref name="length"/> input characters (expansions grow a token at most four-fold).</summary>
    public static int BufferSize(int length) => (length * 4) + 16;

    /// <summary>Writes the tokens of <paramref name="source"/>, separated by single spaces, into <paramref name="destination"/>.</summary>
    public static int Normalize(ReadOnlySpan<char> source, Span<char> destination)
    {
        int written = 0;
        int i = 0;
        Span<char> token = stackalloc char[64];
        while (i < source.Length)
        {
            int t = 0;
            bool overflow = false;
            while (i < source.Length)
            {
                char c = Fold(source[i]);
                if (c == '\'')
                {
                    i++;
                    continue;
                }

                if (c == '\0')
                {
                    break;
                }

                if (t < token.Length)
                {
                    token[t++] = c;
                }
                else
                {
                    overflow = true;
                }

                i++;
            }

            i++;
            if (t == 0)
            {
                continue;
            }

            ReadOnlySpan<char> word = overflow ? token : Expand(token[..t]);
            if (written > 0)
            {
                destination[written++] = ' ';
            }

            word.CopyTo(destination[written..]);
            written += word.Length;
        }

        return written;
    }

    /// <summary>Removes the spaces of a normalized text, giving the dictionary key.</summary>
    public static int Compact(ReadOnlySpan<char> normalized, Span<char> destination)
    {
        int n = 0;
        foreach (char c in normalized)
        {
            if (c != ' ')
            {
                destination[n++] = c;
            }
        }

        return n;
    }

    /// <summary>Normalized tokens of a string (slow path).</summary>
    public static string[] Tokens(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        char[] buffer = new char[BufferSize(text.Length)];
        int n = Normalize(text, buffer);
        return new string(buffer, 0, n).Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The dictionary key of a string (slow path).</summary>
    public static string Key(string? text) => string.Concat(Tokens(text));

    private static ReadOnlySpan<char> Expand(ReadOnlySpan<char> word) => word switch
    {
        "sto" => "santo",
        "sta" => "santa",
        "sn" => "san",
        "gen" or "gral" or "genl" => "general",
        "pres" => "president",
        "dr" => "doctor",
        "sen" => "senator",
        "mun" or "munic" or "mpl" => "municipality",
        "brgy" or "bgy" or "brg" or "bgry" or "bry" or "barangay" or "baranggay" or "brangay" => "barangay",
        "prov" or "pro" or "province" or "provice" or "probinsya" => "province",
        "mt" or "mount" => "mount",
        "occ" or "occid" or "occi" => "occidental",
        "or" or "ori" or "orient" or "or1ental" => "oriental",
        "cty" => "city",
        "1st" => "first",
        "2nd" => "second",
        "3rd" => "third",
        "4th" => "fourth",
        _ => word,
    };

    /// <summary>Lower-case ASCII letter or digit; <c>'</c> for apostrophes (dropped); <c>\0</c> for separators.</summary>
    private static char Fold(char c)
    {
        if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
        {
            return c;
        }

        if (c is >= 'A' and <= 'Z')
        {
            return (char)(c + 32);
        }

        if (c is '\'' or '\u2019' or '\u2018' or '`' or '\u00B4')
        {
            return '\'';
        }

        if (c < 128)
        {
            return '\0';
        }

        return c switch
        {
            'à' or 'á' or 'â' or 'ã' or 'ä' or 'å' or 'À' or 'Á' or 'Â' or 'Ã' or 'Ä' or 'Å' or 'ā' or 'Ā' => 'a',
            'ç' or 'Ç' or 'ć' or 'č' => 'c',
            'è' or 'é' or 'ê' or 'ë' or 'È' or 'É' or 'Ê' or 'Ë' or 'ē' or 'Ē' => 'e',
            'ì' or 'í' or 'î' or 'ï' or 'Ì' or 'Í' or 'Î' or 'Ï' or 'ī' => 'i',
            'ñ' or 'Ñ' or 'ń' => 'n',
            'ò' or 'ó' or 'ô' or 'õ' or 'ö' or 'ø' or 'Ò' or 'Ó' or 'Ô' or 'Õ' or 'Ö' or 'Ø' or 'ō' => 'o',
            'ù' or 'ú' or 'û' or 'ü' or 'Ù' or 'Ú' or 'Û' or 'Ü' or 'ū' => 'u',
            'ý' or 'ÿ' or 'Ý' => 'y',
            _ => '\0',
        };
    }
}
