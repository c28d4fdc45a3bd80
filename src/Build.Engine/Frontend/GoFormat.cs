using System.Globalization;
using System.Text;

namespace Build.Engine.Frontend;

/// <summary>
/// Go's formatting of the few values BuildKit prints into image history (<c>%q</c> of a string slice,
/// <c>%v</c> of a slice, <c>time.Duration</c>), so our <c>created_by</c> text is byte-identical to docker build's.
/// </summary>
internal static class GoFormat
{
    /// <summary><c>fmt.Sprintf("%q", []string{...})</c>: <c>["a" "b"]</c>.</summary>
    public static string QuoteList(IEnumerable<string> items) =>
        "[" + string.Join(" ", items.Select(Quote)) + "]";

    /// <summary><c>fmt.Sprintf("%v", []string{...})</c>: <c>[a b]</c>.</summary>
    public static string List(IEnumerable<string> items) => "[" + string.Join(" ", items) + "]";

    /// <summary><c>strconv.Quote</c>: printable runes kept, the usual escapes, others as \x, \u or \U.</summary>
    public static string Quote(string s)
    {
        var b = new StringBuilder(s.Length + 2).Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            int rune = c;
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                rune = char.ConvertToUtf32(c, s[i + 1]);
                i++;
            }
            switch (rune)
            {
                case '"': b.Append("\\\""); continue;
                case '\\': b.Append("\\\\"); continue;
                case '\a': b.Append("\\a"); continue;
                case '\b': b.Append("\\b"); continue;
                case '\f': b.Append("\\f"); continue;
                case '\n': b.Append("\\n"); continue;
                case '\r': b.Append("\\r"); continue;
                case '\t': b.Append("\\t"); continue;
                case '\v': b.Append("\\v"); continue;
            }
            if (rune < 0x20 || rune == 0x7f)
                b.Append("\\x").Append(rune.ToString("x2", CultureInfo.InvariantCulture));
            else if (rune < 0x7f || IsPrintable(rune))
                b.Append(char.ConvertFromUtf32(rune));
            else if (rune < 0x10000)
                b.Append("\\u").Append(rune.ToString("x4", CultureInfo.InvariantCulture));
            else
                b.Append("\\U").Append(rune.ToString("x8", CultureInfo.InvariantCulture));
        }
        return b.Append('"').ToString();
    }

    /// <summary><c>strconv.QuoteRune</c> (what <c>%q</c> prints for an int): <c>'A'</c>, <c>'\x03'</c>.</summary>
    public static string QuoteRune(int rune)
    {
        var quoted = Quote(char.ConvertFromUtf32(rune is < 0 or > 0x10FFFF or (>= 0xD800 and <= 0xDFFF) ? 0xFFFD : rune));
        var inner = quoted[1..^1];
        if (inner == "\\\"") inner = "\"";
        else if (inner == "'") inner = "\\'";
        return "'" + inner + "'";
    }

    private static bool IsPrintable(int rune)
    {
        if (rune is >= 0xD800 and <= 0xDFFF) return false; // lone surrogate: Go sees invalid UTF-8
        var category = CharUnicodeInfo.GetUnicodeCategory(rune);
        return category switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or
                UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or
                UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => false,
            UnicodeCategory.SpaceSeparator => rune == ' ',
            _ => true,
        };
    }

    /// <summary><c>time.Duration.String()</c>: <c>0s</c>, <c>1.5s</c>, <c>1m30s</c>, <c>2h0m0s</c>, <c>500ms</c>.</summary>
    public static string Duration(long nanoseconds)
    {
        if (nanoseconds == 0) return "0s";
        var negative = nanoseconds < 0;
        var u = negative ? (ulong)(-(nanoseconds + 1)) + 1 : (ulong)nanoseconds;
        string result;
        if (u < 1_000_000_000UL)
        {
            // Sub-second: the largest unit that keeps the integer part non-zero.
            if (u < 1_000UL) result = u.ToString(CultureInfo.InvariantCulture) + "ns";
            else if (u < 1_000_000UL) result = Fraction(u, 3) + "µs";
            else result = Fraction(u, 6) + "ms";
        }
        else
        {
            var seconds = Fraction(u % 60_000_000_000UL, 9) + "s";
            var totalMinutes = u / 60_000_000_000UL;
            if (totalMinutes == 0) result = seconds;
            else
            {
                var minutes = totalMinutes % 60;
                var hours = totalMinutes / 60;
                result = hours > 0
                    ? hours.ToString(CultureInfo.InvariantCulture) + "h" + minutes.ToString(CultureInfo.InvariantCulture) + "m" + seconds
                    : minutes.ToString(CultureInfo.InvariantCulture) + "m" + seconds;
            }
        }
        return negative ? "-" + result : result;
    }

    /// <summary>Value divided by 10^digits, printed with trailing zeros (and a bare dot) removed.</summary>
    private static string Fraction(ulong value, int digits)
    {
        ulong scale = 1;
        for (var i = 0; i < digits; i++) scale *= 10;
        var whole = value / scale;
        var frac = value % scale;
        if (frac == 0) return whole.ToString(CultureInfo.InvariantCulture);
        var fracText = frac.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
        return whole.ToString(CultureInfo.InvariantCulture) + "." + fracText;
    }
}
