using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace Build.Parser.Expansion;

/// <summary>
/// The glob patterns of <c>${VAR#p}</c>, <c>${VAR%p}</c> and <c>${VAR/p/r}</c>: <c>*</c> is any run of characters,
/// <c>?</c> one character, <c>\*</c> <c>\?</c> <c>\\</c> are literal and <c>\}</c> <c>\/</c> stand for <c>}</c> and <c>/</c>.
/// No bracket expressions, as in BuildKit. Translated to a regular expression because the leftmost-first semantics of
/// lazy and greedy stars are exactly what "shortest" and "longest" prefix mean.
/// </summary>
internal static class ShellPattern
{
    // One code point: a surrogate pair or any other UTF-16 unit except LF. Go's regexp works on runes and its "."
    // excludes '\n'; matching per UTF-16 unit would let "?" split an emoji in half.
    private const string AnyChar = @"(?:[\uD800-\uDBFF][\uDC00-\uDFFF]|.)";

    private static readonly ConcurrentDictionary<(string Pattern, bool Greedy, bool Anchored), Regex> Cache = new();

    public static Regex? ToRegex(string pattern, bool greedy, bool anchored, out string? error)
    {
        error = null;
        var key = (pattern, greedy, anchored);
        if (Cache.TryGetValue(key, out Regex? cached))
            return cached;
        var sb = new StringBuilder(pattern.Length + 16);
        if (anchored)
            sb.Append('^');
        string star = greedy ? AnyChar + "*" : AnyChar + "*?";
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            switch (c)
            {
                case '*':
                    sb.Append(star);
                    continue;
                case '?':
                    sb.Append(AnyChar);
                    continue;
                case '\\':
                    // "}" and "/" have to be escaped inside ${...}; the escape is not part of the pattern.
                    if (i + 1 < pattern.Length && pattern[i + 1] is '}' or '/')
                        continue;
                    if (i + 1 >= pattern.Length || pattern[i + 1] is not ('*' or '?' or '\\'))
                    {
                        error = i + 1 >= pattern.Length ? "invalid escape '\\' at end of pattern" : $"invalid escape '\\{pattern[i + 1]}'";
                        return null;
                    }
                    sb.Append('\\').Append(pattern[++i]);
                    continue;
                case '[' or ']' or '{' or '}' or '.' or '+' or '(' or ')' or '|' or '^' or '$':
                    sb.Append('\\').Append(c);
                    continue;
                default:
                    sb.Append(c);
                    continue;
            }
        }
        var re = new Regex(sb.ToString(), RegexOptions.CultureInvariant);
        if (Cache.Count < 1024)
            Cache.TryAdd(key, re);
        return re;
    }

    /// <summary><c>${v#p}</c> / <c>${v##p}</c>: remove the shortest (longest when greedy) prefix matching the pattern.</summary>
    public static string? TrimPrefix(string pattern, string value, bool greedy, out string? error)
    {
        Regex? re = ToRegex(pattern, greedy, anchored: true, out error);
        if (re is null)
            return null;
        Match m = re.Match(value);
        return m.Success ? value[(m.Index + m.Length)..] : value;
    }

    /// <summary>
    /// <c>${v%p}</c> / <c>${v%%p}</c>. A regular expression cannot find the shortest rightmost match directly, so both the
    /// value and the pattern are reversed (keeping escapes in front of what they escape) and the prefix is trimmed.
    /// </summary>
    public static string? TrimSuffix(string pattern, string value, bool greedy, out string? error)
    {
        string? reversed = TrimPrefix(ReversePattern(pattern), ReverseString(value), greedy, out error);
        return reversed is null ? null : ReverseString(reversed);
    }

    /// <summary><c>${v/p/r}</c> and <c>${v//p/r}</c>: unanchored, longest match; the replacement is literal text.</summary>
    public static string? Replace(string pattern, string replacement, string value, bool all, out string? error)
    {
        Regex? re = ToRegex(pattern, greedy: true, anchored: false, out error);
        if (re is null)
            return null;
        if (all)
            return re.Replace(value, _ => replacement);
        Match m = re.Match(value);
        return m.Success ? string.Concat(value.AsSpan(0, m.Index), replacement, value.AsSpan(m.Index + m.Length)) : value;
    }

    internal static string ReverseString(string s)
    {
        if (s.Length < 2)
            return s;
        var runes = new List<Rune>(s.Length);
        foreach (Rune r in s.EnumerateRunes())
            runes.Add(r);
        var sb = new StringBuilder(s.Length);
        for (int i = runes.Count - 1; i >= 0; i--)
            sb.Append(runes[i].ToString());
        return sb.ToString();
    }

    internal static string ReversePattern(string pattern)
    {
        var runes = new List<Rune>(pattern.Length);
        foreach (Rune r in pattern.EnumerateRunes())
            runes.Add(r);
        var output = new Rune[runes.Count];
        int last = runes.Count - 1;
        for (int i = 0; i <= last;)
        {
            int outIdx = last - i;
            if (runes[i].Value == '\\' && i != last)
            {
                // Keep "\x" in that order so the escape still applies to the same character after reversal.
                output[outIdx - 1] = runes[i];
                output[outIdx] = runes[i + 1];
                i += 2;
            }
            else
            {
                output[outIdx] = runes[i];
                i++;
            }
        }
        var sb = new StringBuilder(pattern.Length);
        foreach (Rune r in output)
            sb.Append(r.ToString());
        return sb.ToString();
    }
}
