using System.Text;
using System.Text.RegularExpressions;

namespace Build.Parser.Ignore;

/// <summary>
/// One compiled <c>.dockerignore</c> pattern, anchored at the context root (DOCKERIGNORE.md §2-§3; moby/patternmatcher).
/// Glob patterns run on a small backtracking matcher over precompiled tokens; only patterns with character classes or
/// letter escapes (whose meaning comes from Go's regexp syntax) fall back to a regular expression.
/// </summary>
public sealed class IgnorePattern
{
    private readonly Token[]? _tokens;
    private readonly Regex? _regex;
    private readonly string? _compileError;
    private readonly string _affix; // Prefix: text before "**"; Suffix: text after "**"
    private readonly Token[][]? _segments; // per-segment tokens when the glob has no "**", class or escape (for pruning)

    private IgnorePattern(string text, bool exclusion)
    {
        Text = text;
        IsExclusion = exclusion;
        _affix = "";
        var tokens = new List<Token>();
        var literal = new StringBuilder();
        var regex = new StringBuilder("^");
        bool needRegex = false;
        IgnorePatternKind kind = IgnorePatternKind.Exact;
        int pos = 0;
        for (int iteration = 0; pos < text.Length; iteration++)
        {
            char ch = text[pos++];
            if (ch == '*')
            {
                if (pos < text.Length && text[pos] == '*')
                {
                    pos++;
                    // "**/" is the same as "**".
                    if (pos < text.Length && text[pos] == '/')
                        pos++;
                    if (pos == text.Length)
                    {
                        if (kind == IgnorePatternKind.Exact)
                        {
                            kind = IgnorePatternKind.Prefix;
                        }
                        else
                        {
                            Flush(tokens, literal);
                            tokens.Add(new Token(TokenKind.Tail, ""));
                            regex.Append(".*");
                            kind = IgnorePatternKind.Glob;
                        }
                    }
                    else
                    {
                        Flush(tokens, literal);
                        tokens.Add(new Token(TokenKind.Dirs, ""));
                        regex.Append("(.*/)?");
                        kind = IgnorePatternKind.Glob;
                    }
                    if (iteration == 0)
                        kind = IgnorePatternKind.Suffix;
                }
                else
                {
                    Flush(tokens, literal);
                    tokens.Add(new Token(TokenKind.Star, ""));
                    regex.Append("[^/]*");
                    kind = IgnorePatternKind.Glob;
                }
            }
            else if (ch == '?')
            {
                Flush(tokens, literal);
                tokens.Add(new Token(TokenKind.One, ""));
                regex.Append(@"(?:[\uD800-\uDBFF][\uDC00-\uDFFF]|[^/])");
                kind = IgnorePatternKind.Glob;
            }
            else if (ch is '.' or '+' or '(' or ')' or '|' or '{' or '}' or '$')
            {
                regex.Append('\\').Append(ch);
                literal.Append(ch);
            }
            else if (ch == '\\')
            {
                if (pos < text.Length)
                {
                    char next = text[pos++];
                    regex.Append('\\').Append(next);
                    literal.Append(next);
                    // "\d", "\w" and friends mean something else in Go's regexp; let the engine interpret them.
                    needRegex |= char.IsAsciiLetterOrDigit(next);
                    kind = IgnorePatternKind.Glob;
                }
                else
                {
                    regex.Append(@"\\");
                    literal.Append('\\');
                }
            }
            else if (ch == '[' && TryParseClass(text, pos, out Token cls, out int after))
            {
                // A plain class ("[a-c]", "[^xy]") is matched natively; anything fancier goes to the regex engine.
                regex.Append(text, pos - 1, after - pos + 1);
                Flush(tokens, literal);
                tokens.Add(cls);
                pos = after;
                kind = IgnorePatternKind.Glob;
            }
            else if (ch is '[' or ']')
            {
                regex.Append(ch);
                needRegex = true;
                kind = IgnorePatternKind.Glob;
            }
            else
            {
                regex.Append(ch);
                literal.Append(ch);
            }
        }
        Flush(tokens, literal);
        Kind = kind;
        switch (kind)
        {
            case IgnorePatternKind.Prefix:
                _affix = text[..^2];
                break;
            case IgnorePatternKind.Suffix:
                _affix = text[2..];
                break;
            case IgnorePatternKind.Glob when needRegex:
                try
                {
                    // \z, not $: .NET's $ also matches before a final newline, Go's does not.
                    _regex = new Regex(regex.Append(@"\z").ToString(), RegexOptions.CultureInvariant);
                }
                catch (ArgumentException)
                {
                    // Go compiles lazily too: the matcher builds, every match attempt fails (DOCKERIGNORE.md D15).
                    _compileError = $"syntax error in pattern: {text}";
                }
                break;
            case IgnorePatternKind.Glob:
                _tokens = [.. tokens];
                if (!tokens.Exists(t => t.Kind is TokenKind.Dirs or TokenKind.Tail or TokenKind.Class) && !text.Contains('\\', StringComparison.Ordinal))
                {
                    _segments = text.Contains('/', StringComparison.Ordinal)
                        ? [.. text.Split('/').Select(s => new IgnorePattern(s, false)._tokens ?? [new Token(TokenKind.Literal, s)])]
                        : [_tokens];
                }
                break;
        }
    }

    /// <summary>The cleaned pattern text without the leading <c>!</c>.</summary>
    public string Text { get; }

    /// <summary>True for <c>!pattern</c>: a match re-includes the path.</summary>
    public bool IsExclusion { get; }

    public IgnorePatternKind Kind { get; }

    public override string ToString() => IsExclusion ? "!" + Text : Text;

    /// <summary>Builds one pattern the way the matcher does: trim, Go path Clean, leading <c>!</c>, then a syntax check.</summary>
    /// <returns>null for an empty pattern (it is dropped).</returns>
    public static IgnorePattern? Create(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        string p = pattern.Trim();
        if (p.Length == 0)
            return null;
        p = GoPath.Clean(p);
        bool exclusion = false;
        if (p[0] == '!')
        {
            if (p.Length == 1)
                throw new IgnorePatternException("illegal exclusion pattern: \"!\"");
            exclusion = true;
            p = p[1..];
        }
        if (!GoGlob.IsValid(p))
            throw new IgnorePatternException($"syntax error in pattern: {p}");
        return new IgnorePattern(p, exclusion);
    }

    /// <summary>Tests the path itself (no parent matching). Throws <see cref="IgnorePatternException"/> for a pattern that only fails at match time.</summary>
    public bool Matches(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Matches(path.AsSpan());
    }

    internal bool Matches(ReadOnlySpan<char> path)
    {
        switch (Kind)
        {
            case IgnorePatternKind.Exact:
                return path.SequenceEqual(Text);
            case IgnorePatternKind.Prefix:
                return path.StartsWith(_affix, StringComparison.Ordinal);
            case IgnorePatternKind.Suffix:
                if (path.EndsWith(_affix, StringComparison.Ordinal))
                    return true;
                // "**/foo" also matches "foo" itself.
                return _affix.Length > 0 && _affix[0] == '/' && path.SequenceEqual(_affix.AsSpan(1));
            default:
                if (_compileError is not null)
                    throw new IgnorePatternException(_compileError);
                return _regex is not null ? _regex.IsMatch(path) : MatchTokens(_tokens!, 0, path, 0);
        }
    }

    /// <summary>
    /// Could this pattern match some path strictly below <paramref name="dir"/>? Conservative: "true" is always safe; "false"
    /// lets the context walker skip an excluded directory without reading it.
    /// </summary>
    internal bool CanMatchBelow(string dir)
    {
        switch (Kind)
        {
            case IgnorePatternKind.Exact:
                return Text.Length > dir.Length + 1 && Text.StartsWith(dir, StringComparison.Ordinal) && Text[dir.Length] == '/';
            case IgnorePatternKind.Prefix:
                // Some descendant starts with the prefix iff one of "dir/" and the prefix is a prefix of the other.
                string withSlash = dir + "/";
                return withSlash.StartsWith(_affix, StringComparison.Ordinal) || _affix.StartsWith(withSlash, StringComparison.Ordinal);
            case IgnorePatternKind.Glob when _segments is not null:
            {
                // Without "**" a glob matches only paths with exactly as many segments as it has.
                int depth = 1;
                foreach (char c in dir)
                {
                    if (c == '/')
                        depth++;
                }
                if (_segments.Length <= depth)
                    return false;
                int start = 0;
                for (int i = 0; i < depth; i++)
                {
                    int end = dir.IndexOf('/', start);
                    if (end < 0)
                        end = dir.Length;
                    if (!MatchTokens(_segments[i], 0, dir.AsSpan(start, end - start), 0))
                        return false;
                    start = end + 1;
                }
                return true;
            }
            default:
                return true;
        }
    }

    private static void Flush(List<Token> tokens, StringBuilder literal)
    {
        if (literal.Length == 0)
            return;
        tokens.Add(new Token(TokenKind.Literal, literal.ToString()));
        literal.Clear();
    }

    // Full, anchored match of the token list against s[si..]: the same language as the regex patternmatcher builds.
    private static bool MatchTokens(Token[] tokens, int ti, ReadOnlySpan<char> s, int si)
    {
        while (ti < tokens.Length)
        {
            Token t = tokens[ti];
            switch (t.Kind)
            {
                case TokenKind.Literal:
                    if (!s[si..].StartsWith(t.Text, StringComparison.Ordinal))
                        return false;
                    si += t.Text.Length;
                    ti++;
                    break;
                case TokenKind.One:
                    if (si >= s.Length || s[si] == '/')
                        return false;
                    si += char.IsHighSurrogate(s[si]) && si + 1 < s.Length && char.IsLowSurrogate(s[si + 1]) ? 2 : 1;
                    ti++;
                    break;
                case TokenKind.Star:
                    if (ti == tokens.Length - 1)
                        return s[si..].IndexOf('/') < 0;
                    for (int j = si; ; j++)
                    {
                        if (MatchTokens(tokens, ti + 1, s, j))
                            return true;
                        if (j >= s.Length || s[j] == '/')
                            return false;
                    }
                case TokenKind.Dirs:
                    // (.*/)? : nothing, or any run of characters other than newline that ends in "/".
                    if (MatchTokens(tokens, ti + 1, s, si))
                        return true;
                    for (int j = si; j < s.Length && s[j] != '\n'; j++)
                    {
                        if (s[j] == '/' && MatchTokens(tokens, ti + 1, s, j + 1))
                            return true;
                    }
                    return false;
                case TokenKind.Class:
                {
                    if (si >= s.Length)
                        return false;
                    char c = s[si];
                    bool inClass = false;
                    string ranges = t.Text;
                    for (int r = 0; r < ranges.Length; r += 2)
                    {
                        if (c >= ranges[r] && c <= ranges[r + 1])
                        {
                            inClass = true;
                            break;
                        }
                    }
                    if (inClass == t.Negated)
                        return false;
                    // A negated class matches one code point, which may be a surrogate pair.
                    si += char.IsHighSurrogate(c) && si + 1 < s.Length && char.IsLowSurrogate(s[si + 1]) ? 2 : 1;
                    ti++;
                    break;
                }
                case TokenKind.Tail:
                    return s[si..].IndexOf('\n') < 0;
            }
        }
        return si == s.Length;
    }

    // "[...]" starting just after the "[" at pos: plain BMP characters and ranges, optional leading "^". Escapes, nested
    // brackets, POSIX classes and surrogates are left to the regex engine, whose (RE2-like) reading they need.
    private static bool TryParseClass(string text, int pos, out Token token, out int after)
    {
        token = default;
        after = pos;
        bool negated = pos < text.Length && text[pos] == '^';
        int i = negated ? pos + 1 : pos;
        var ranges = new StringBuilder();
        while (i < text.Length && text[i] != ']')
        {
            char lo = text[i];
            if (lo is '\\' or '[' || char.IsSurrogate(lo))
                return false;
            char hi = lo;
            if (i + 2 < text.Length && text[i + 1] == '-' && text[i + 2] != ']')
            {
                hi = text[i + 2];
                if (hi is '\\' or '[' || char.IsSurrogate(hi) || hi < lo)
                    return false;
                i += 2;
            }
            ranges.Append(lo).Append(hi);
            i++;
        }
        if (i >= text.Length || ranges.Length == 0)
            return false;
        token = new Token(TokenKind.Class, ranges.ToString(), negated);
        after = i + 1;
        return true;
    }

    private enum TokenKind
    {
        Literal,
        Star,
        One,
        Dirs,
        Tail,
        Class,
    }

    private readonly record struct Token(TokenKind Kind, string Text, bool Negated = false);
}
