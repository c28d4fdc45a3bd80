using System.Globalization;
using System.Text;

namespace Build.Parser.Dump;

/// <summary>
/// Go's <c>strconv.Quote</c> (FORMATS.md §4.2): printable characters (Unicode L, M, N, P, S and space) are
/// written as themselves, the C escapes for BEL..CR, <c>\xHH</c> below U+0020 and for DEL, <c>\uHHHH</c> or
/// <c>\UHHHHHHHH</c> for other non-printables. .NET's JSON and regex escapers all differ, hence this encoder.
/// </summary>
public static class GoQuote
{
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length + 2);
        Append(builder, value);
        return builder.ToString();
    }

    public static void Append(StringBuilder builder, string value)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(value);
        builder.Append('"');
        int i = 0;
        while (i < value.Length)
        {
            char c = value[i];
            if (c < 0x80)
            {
                AppendAscii(builder, c);
                i++;
                continue;
            }
            // A lone surrogate cannot be encoded as UTF-8; Go would see U+FFFD there.
            if (Rune.DecodeFromUtf16(value.AsSpan(i), out var rune, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                builder.Append('\uFFFD');
                i += Math.Max(consumed, 1);
                continue;
            }
            i += consumed;
            if (IsPrintable(rune))
                builder.Append(value, i - consumed, consumed);
            else if (rune.Value <= 0xFFFF)
                builder.Append("\\u").Append(rune.Value.ToString("x4", CultureInfo.InvariantCulture));
            else
                builder.Append("\\U").Append(rune.Value.ToString("x8", CultureInfo.InvariantCulture));
        }
        builder.Append('"');
    }

    private static void AppendAscii(StringBuilder builder, char c)
    {
        switch (c)
        {
            case '"': builder.Append("\\\""); break;
            case '\\': builder.Append("\\\\"); break;
            case '\a': builder.Append("\\a"); break;
            case '\b': builder.Append("\\b"); break;
            case '\f': builder.Append("\\f"); break;
            case '\n': builder.Append("\\n"); break;
            case '\r': builder.Append("\\r"); break;
            case '\t': builder.Append("\\t"); break;
            case '\v': builder.Append("\\v"); break;
            default:
                if (c < 0x20 || c == 0x7F)
                    builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                else
                    builder.Append(c);
                break;
        }
    }

    private static bool IsPrintable(Rune rune)
    {
        if (rune.Value == ' ')
            return true;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
                or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
                or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
                or UnicodeCategory.OtherPunctuation
                or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol or UnicodeCategory.OtherSymbol => true,
            _ => false,
        };
    }
}
