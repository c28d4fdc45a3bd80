using System.Text;
using Build.Parser.Combinators;

namespace Build.Parser.Parsing;

/// <summary>A heredoc marker found on an instruction line (<c>&lt;&lt;-"EOF"</c>).</summary>
internal sealed record HeredocMarker(string Word, string Name, bool Chomp, bool Expand, int? FileDescriptor);

/// <summary>
/// Finds heredoc markers (FORMATS.md §2.5): the line is split into shell words (escape <c>\</c>, quotes and
/// escapes kept, <c>&lt;&lt;</c> glued to the blanks after it), and each word is matched against
/// <c>^(\d*)&lt;&lt;(-?)\s*([^&lt;]*)$</c>.
/// </summary>
internal static class HeredocMarkers
{
    private static readonly Parser<(string Digits, bool Chomp, string Text)> MarkerGrammar =
        Parsers.TakeWhile(char.IsAsciiDigit).RecognizeString()
            .Before(Parsers.String("<<"))
            .Then(Parsers.Char('-').Optional(), static (digits, dash) => (digits, dash.HasValue))
            .Before(Parsers.SkipWhitespaces)
            .Then(Parsers.TakeWhile1(static c => c != '<', "a heredoc name").RecognizeString(), static (dd, rest) => (dd.digits, dd.Item2, rest))
            .Before(Parsers.End);

    /// <summary>Whether a single word is a heredoc marker (used for COPY/ADD sources and destination).</summary>
    public static HeredocMarker? Match(string word)
    {
        if (!word.Contains("<<", StringComparison.Ordinal))
            return null; // the common case (every COPY source), decided without running the grammar
        var result = MarkerGrammar.Parse(word);
        if (!result.Success)
            return null;
        var (digits, chomp, rest) = result.Value;
        if (!TryUnquote(rest, out string name, out bool quoted) || name.Length == 0)
            return null;
        int? fd = digits.Length > 0 && int.TryParse(digits, out int n) ? n : null;
        return new HeredocMarker(word, name, chomp, !quoted, fd);
    }

    /// <summary>All markers on <paramref name="line"/>, in order; none when the line does not lex.</summary>
    public static List<HeredocMarker>? Find(string line)
    {
        if (!line.Contains("<<", StringComparison.Ordinal))
            return null;
        List<HeredocMarker>? markers = null;
        if (!TrySplitWords(line, out var words))
            return null;
        foreach (var word in words)
        {
            if (Match(word) is { } marker)
                (markers ??= []).Add(marker);
        }
        return markers;
    }

    // Shell-lexer word split in "keep quotes, keep escapes, leave variables" mode. Only the word boundaries
    // matter here; a failure (unterminated quote or ${) means "no heredocs on this line", as upstream ignores it.
    private static bool TrySplitWords(string line, out List<string> words)
    {
        words = [];
        var word = new StringBuilder();
        bool inWord = false;
        int i = 0;
        while (i < line.Length)
        {
            char c = line[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
                i++;
                continue;
            }
            inWord = true;
            switch (c)
            {
                case '\\':
                    if (i + 1 < line.Length)
                        word.Append(c).Append(line[i + 1]);
                    i += 2;
                    break;
                case '\'':
                    {
                        int close = line.IndexOf('\'', i + 1);
                        if (close < 0)
                            return false;
                        word.Append(line, i, close - i + 1);
                        i = close + 1;
                        break;
                    }
                case '"':
                    {
                        int j = i + 1;
                        while (j < line.Length && line[j] != '"')
                            j += line[j] == '\\' ? 2 : 1;
                        if (j >= line.Length)
                            return false;
                        word.Append(line, i, j - i + 1);
                        i = j + 1;
                        break;
                    }
                case '$' when i + 1 < line.Length && line[i + 1] == '{':
                    {
                        int depth = 0, j = i;
                        for (; j < line.Length; j++)
                        {
                            if (line[j] == '{')
                                depth++;
                            else if (line[j] == '}' && --depth == 0)
                                break;
                        }
                        if (j >= line.Length)
                            return false;
                        word.Append(line, i, j - i + 1);
                        i = j + 1;
                        break;
                    }
                case '<' when i + 1 < line.Length && line[i + 1] == '<':
                    word.Append("<<");
                    i += 2;
                    while (i < line.Length && line[i] is ' ' or '\t')
                        word.Append(line[i++]);
                    break;
                default:
                    word.Append(c);
                    i++;
                    break;
            }
        }
        if (inWord)
            words.Add(word.ToString());
        return true;
    }

    // Removes quotes and resolves escapes of a heredoc name; reports whether any quote actually opened a run
    // (an escaped quote is a literal and keeps expansion on).
    private static bool TryUnquote(string text, out string name, out bool quoted)
    {
        var builder = new StringBuilder(text.Length);
        quoted = false;
        name = "";
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '\\')
            {
                if (i + 1 < text.Length)
                    builder.Append(text[i + 1]);
                i += 2;
            }
            else if (c == '\'')
            {
                int close = text.IndexOf('\'', i + 1);
                if (close < 0)
                    return false;
                quoted = true;
                builder.Append(text, i + 1, close - i - 1);
                i = close + 1;
            }
            else if (c == '"')
            {
                quoted = true;
                int j = i + 1;
                for (; j < text.Length && text[j] != '"'; j++)
                {
                    if (text[j] == '\\' && j + 1 < text.Length && text[j + 1] is '"' or '$' or '\\')
                        j++;
                    builder.Append(text[j]);
                }
                if (j >= text.Length)
                    return false;
                i = j + 1;
            }
            else if (char.IsWhiteSpace(c))
            {
                return false; // more than one word
            }
            else
            {
                builder.Append(c);
                i++;
            }
        }
        name = builder.ToString();
        return true;
    }
}
