using System.Text;

namespace Build.Parser.Ignore;

/// <summary>
/// Go's <c>path/filepath.Match</c> on Unix: <c>*</c> any run of non-<c>/</c> characters, <c>?</c> one non-<c>/</c>
/// character, <c>[...]</c> a class (<c>^</c> negates, ranges <c>a-z</c>, <c>\</c> escapes), <c>\c</c> a literal c.
/// BuildKit resolves COPY/ADD wildcards with it and patternmatcher uses it to reject malformed patterns, so both the
/// answers and the "syntax error in pattern" cases must be the same as Go's.
/// </summary>
public static class GoGlob
{
    /// <summary>True when <paramref name="pattern"/> contains a wildcard (<c>*</c>, <c>?</c>, <c>[</c>) or an escape.</summary>
    public static bool HasMeta(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return pattern.AsSpan().IndexOfAny("*?[\\") >= 0;
    }

    /// <summary>True when the whole pattern is well-formed (Go reports <c>ErrBadPattern</c> otherwise).</summary>
    public static bool IsValid(string pattern) => TryMatch(pattern, ".", out _);

    /// <summary>Matches <paramref name="name"/> against the whole <paramref name="pattern"/>; throws on a malformed pattern.</summary>
    public static bool Match(string pattern, string name) =>
        TryMatch(pattern, name, out bool matched) ? matched : throw new IgnorePatternException($"syntax error in pattern: {pattern}");

    /// <summary>Returns false when the pattern is malformed; otherwise sets <paramref name="matched"/>.</summary>
    public static bool TryMatch(string pattern, string name, out bool matched)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(name);
        matched = false;
        ReadOnlySpan<char> pat = pattern;
        ReadOnlySpan<char> str = name;
        while (pat.Length > 0)
        {
            ScanChunk(ref pat, out bool star, out ReadOnlySpan<char> chunk);
            if (star && chunk.Length == 0)
            {
                // A trailing star matches the rest unless it contains a separator.
                matched = str.IndexOf('/') < 0;
                return true;
            }
            // Try the chunk right here; the last chunk must consume the whole name.
            int rest = MatchChunk(chunk, str, out bool bad);
            if (bad)
                return false;
            if (rest >= 0 && (rest == 0 || pat.Length > 0))
            {
                str = str[^rest..];
                continue;
            }
            if (star)
            {
                bool found = false;
                // The star may swallow characters, but never a separator.
                for (int i = 0; i < str.Length && str[i] != '/'; i++)
                {
                    rest = MatchChunk(chunk, str[(i + 1)..], out bad);
                    if (bad)
                        return false;
                    if (rest >= 0)
                    {
                        if (pat.Length == 0 && rest > 0)
                            continue;
                        str = str[^rest..];
                        found = true;
                        break;
                    }
                }
                if (found)
                    continue;
            }
            // No match: the rest of the pattern must still be well-formed for the answer to be "no" rather than an error.
            while (pat.Length > 0)
            {
                ScanChunk(ref pat, out _, out chunk);
                MatchChunk(chunk, [], out bad);
                if (bad)
                    return false;
            }
            return true;
        }
        matched = str.Length == 0;
        return true;
    }

    private static void ScanChunk(ref ReadOnlySpan<char> pat, out bool star, out ReadOnlySpan<char> chunk)
    {
        star = false;
        while (pat.Length > 0 && pat[0] == '*')
        {
            pat = pat[1..];
            star = true;
        }
        bool inRange = false;
        int i;
        for (i = 0; i < pat.Length; i++)
        {
            char c = pat[i];
            if (c == '\\')
            {
                // Skip the escaped character (if any) so "\*" does not end the chunk.
                if (i + 1 < pat.Length)
                    i++;
            }
            else if (c == '[')
            {
                inRange = true;
            }
            else if (c == ']')
            {
                inRange = false;
            }
            else if (c == '*' && !inRange)
            {
                break;
            }
        }
        chunk = pat[..i];
        pat = pat[i..];
    }

    // Returns the number of name characters left after the chunk matched (>= 0), -1 for no match; bad = malformed chunk.
    // After a mismatch the chunk is still scanned to the end so a malformed tail is reported, as Go does.
    private static int MatchChunk(ReadOnlySpan<char> chunk, ReadOnlySpan<char> s, out bool bad)
    {
        bad = false;
        bool failed = false;
        while (chunk.Length > 0)
        {
            if (!failed && s.Length == 0)
                failed = true;
            switch (chunk[0])
            {
                case '[':
                {
                    int r = 0;
                    if (!failed)
                    {
                        r = DecodeRune(s, out int n);
                        s = s[n..];
                    }
                    chunk = chunk[1..];
                    bool negated = false;
                    if (chunk.Length > 0 && chunk[0] == '^')
                    {
                        negated = true;
                        chunk = chunk[1..];
                    }
                    bool match = false;
                    int nrange = 0;
                    while (true)
                    {
                        if (chunk.Length > 0 && chunk[0] == ']' && nrange > 0)
                        {
                            chunk = chunk[1..];
                            break;
                        }
                        if (!GetEsc(ref chunk, out int lo))
                        {
                            bad = true;
                            return -1;
                        }
                        int hi = lo;
                        if (chunk[0] == '-')
                        {
                            chunk = chunk[1..];
                            if (!GetEsc(ref chunk, out hi))
                            {
                                bad = true;
                                return -1;
                            }
                        }
                        if (lo <= r && r <= hi)
                            match = true;
                        nrange++;
                    }
                    if (match == negated)
                        failed = true;
                    break;
                }
                case '?':
                    if (!failed)
                    {
                        if (s[0] == '/')
                            failed = true;
                        DecodeRune(s, out int n);
                        s = s[n..];
                    }
                    chunk = chunk[1..];
                    break;
                case '\\':
                    chunk = chunk[1..];
                    if (chunk.Length == 0)
                    {
                        bad = true;
                        return -1;
                    }
                    goto default;
                default:
                    if (!failed)
                    {
                        if (chunk[0] != s[0])
                            failed = true;
                        s = s[1..];
                    }
                    chunk = chunk[1..];
                    break;
            }
        }
        return failed ? -1 : s.Length;
    }

    // One class item: a character or "\c"; "-" and "]" may not start an item, and an item may not end the pattern.
    private static bool GetEsc(ref ReadOnlySpan<char> chunk, out int rune)
    {
        rune = 0;
        if (chunk.Length == 0 || chunk[0] == '-' || chunk[0] == ']')
            return false;
        if (chunk[0] == '\\')
        {
            chunk = chunk[1..];
            if (chunk.Length == 0)
                return false;
        }
        rune = DecodeRune(chunk, out int n);
        chunk = chunk[n..];
        return chunk.Length > 0;
    }

    private static int DecodeRune(ReadOnlySpan<char> s, out int length)
    {
        if (Rune.DecodeFromUtf16(s, out Rune r, out length) == System.Buffers.OperationStatus.Done)
            return r.Value;
        length = Math.Max(1, length);
        return 0xFFFD;
    }
}
