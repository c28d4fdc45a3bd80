using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Build.Parser.Expansion;

/// <summary>
/// The shell-word lexer and variable expander BuildKit applies to Dockerfile arguments (FORMATS.md §7; BuildKit
/// <c>frontend/dockerfile/shell/lex.go</c>). It removes quotes, resolves the escape token (<c>\</c> or <c>`</c> from the
/// <c># escape=</c> directive) and expands <c>$VAR</c> and every <c>${...}</c> form. Instances are immutable and safe to
/// share between threads.
/// </summary>
public sealed class ShellLex
{
    private static readonly IReadOnlySet<string> NoNames = new HashSet<string>(StringComparer.Ordinal);
    private static readonly IReadOnlyList<string> NoWords = [];

    public ShellLex(char escapeToken = '\\', ShellLexOptions options = ShellLexOptions.None)
    {
        EscapeToken = escapeToken;
        Options = options;
    }

    public char EscapeToken { get; }

    public ShellLexOptions Options { get; }

    /// <summary>Expands <paramref name="word"/> into one string, whitespace kept. Throws <see cref="ExpansionException"/>.</summary>
    public string ProcessWord(string word, IEnvLookup env)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(env);
        if (IsPlain(word))
            return word;
        Scanner scanner = Scanner.Rent(this, word, env, wantWords: false, trackNames: false);
        try
        {
            return scanner.RunValue(out string? error) ?? throw new ExpansionException(error!);
        }
        finally
        {
            Scanner.Return(scanner);
        }
    }

    /// <summary>Expands and splits <paramref name="word"/> into words. Throws <see cref="ExpansionException"/>.</summary>
    public IReadOnlyList<string> ProcessWords(string word, IEnvLookup env) => Run(word, env, wantWords: true).Words;

    /// <summary>Expands <paramref name="word"/> and reports the value, the words, and which variables were used or unset.</summary>
    public ExpansionResult Process(string word, IEnvLookup env) => Run(word, env, wantWords: true);

    /// <summary>The non-throwing form of <see cref="Process"/>: <paramref name="error"/> is one sentence without a location.</summary>
    public bool TryProcess(string word, IEnvLookup env, [NotNullWhen(true)] out ExpansionResult? result, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(env);
        Scanner scanner = Scanner.Rent(this, word, env, wantWords: true, trackNames: true);
        try
        {
            result = scanner.Run(out error);
            return result is not null;
        }
        finally
        {
            Scanner.Return(scanner);
        }
    }

    private ExpansionResult Run(string word, IEnvLookup env, bool wantWords)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(env);
        if (IsPlain(word))
        {
            // Nothing to expand, unquote or split: most arguments (paths, image names) take this path, no allocation.
            return new ExpansionResult(word, word.Length == 0 ? NoWords : [word], NoNames, NoNames);
        }
        Scanner scanner = Scanner.Rent(this, word, env, wantWords, trackNames: true);
        try
        {
            return scanner.Run(out string? error) ?? throw new ExpansionException(error!);
        }
        finally
        {
            Scanner.Return(scanner);
        }
    }

    private bool IsPlain(string word)
    {
        foreach (char c in word)
        {
            if (c is '$' or '\'' or '"' or '<' || c == EscapeToken || char.IsWhiteSpace(c))
                return false;
        }
        return true;
    }

    /// <summary>One expansion in progress: the input, the read position and what has been looked up.</summary>
    private sealed class Scanner
    {
        private const int Eof = -1;

        // One scanner per thread is reused: expanding a word then allocates little beyond the result string.
        [ThreadStatic]
        private static Scanner? t_cached;

        private readonly List<StringBuilder> _builders = [];
        private readonly WordSplitter _splitter = new();
        private int _depth;
        private ShellLex _lex = null!;
        private string _s = "";
        private IEnvLookup _env = null!;
        private bool _wantWords;
        private bool _trackNames;
        private bool _rawQuotes;
        private bool _skipQuotes;
        private bool _skipUnset;
        private char _esc;
        private bool _rawEscapes;
        private int _pos;
        private string? _error;
        private HashSet<string>? _used;
        private HashSet<string>? _unset;

        public static Scanner Rent(ShellLex lex, string s, IEnvLookup env, bool wantWords, bool trackNames)
        {
            // Taken out of the slot while in use, so a lookup that expands another word on this thread gets its own.
            Scanner scanner = t_cached ?? new Scanner();
            t_cached = null;
            scanner._lex = lex;
            scanner._s = s;
            scanner._env = env;
            scanner._wantWords = wantWords;
            scanner._trackNames = trackNames;
            scanner._esc = lex.EscapeToken;
            scanner._rawQuotes = (lex.Options & ShellLexOptions.RawQuotes) != 0;
            scanner._rawEscapes = (lex.Options & ShellLexOptions.RawEscapes) != 0;
            scanner._skipQuotes = (lex.Options & ShellLexOptions.SkipProcessQuotes) != 0;
            scanner._skipUnset = (lex.Options & ShellLexOptions.SkipUnsetEnv) != 0;
            scanner._pos = 0;
            scanner._depth = 0;
            scanner._error = null;
            scanner._used = null;
            scanner._unset = null;
            return scanner;
        }

        public static void Return(Scanner scanner)
        {
            scanner._env = null!;
            scanner._s = "";
            t_cached = scanner;
        }

        public string? RunValue(out string? error)
        {
            string? value = StopOn(Eof, _rawEscapes, null, topLevel: true);
            error = value is null ? $"failed to process \"{_s}\": {_error}" : null;
            return value;
        }

        public ExpansionResult? Run(out string? error)
        {
            WordSplitter? words = null;
            if (_wantWords)
            {
                words = _splitter;
                words.Reset();
            }
            string? value = StopOn(Eof, _rawEscapes, words, topLevel: true);
            if (value is null)
            {
                error = $"failed to process \"{_s}\": {_error}";
                return null;
            }
            error = null;
            return new ExpansionResult(
                value,
                words?.Finish() ?? NoWords,
                (IReadOnlySet<string>?)_used ?? NoNames,
                (IReadOnlySet<string>?)_unset ?? NoNames);
        }

        private int Peek => _pos < _s.Length ? _s[_pos] : Eof;

        private string? Fail(string message)
        {
            _error ??= message;
            return null;
        }

        // Reads up to the unescaped, unquoted stopChar (consumed) or to the end when stop is Eof.
        private string? StopOn(int stop, bool rawEscapes, WordSplitter? words, bool topLevel = false)
        {
            bool savedRaw = _rawEscapes;
            _rawEscapes = rawEscapes;
            if (_depth == _builders.Count)
                _builders.Add(new StringBuilder());
            StringBuilder sb = _builders[_depth++].Clear();
            try
            {
                while (_pos < _s.Length)
                {
                    char ch = _s[_pos];
                    if (stop != Eof && ch == stop)
                    {
                        _pos++;
                        return sb.ToString();
                    }
                    if (ch == '$')
                    {
                        string? t = Dollar();
                        if (t is null)
                            return null;
                        sb.Append(t);
                        // Unquoted expansion results are split on whitespace, like $VAR in sh.
                        words?.AddString(t);
                        continue;
                    }
                    if (!_skipQuotes && ch is '\'' or '"')
                    {
                        string? t = ch == '\'' ? SingleQuoted() : DoubleQuoted();
                        if (t is null)
                            return null;
                        sb.Append(t);
                        words?.AddRaw(t);
                        continue;
                    }
                    if (topLevel && words is not null && ch == '<' && _pos + 1 < _s.Length && _s[_pos + 1] == '<')
                    {
                        // A heredoc marker keeps the blanks after "<<" so "<< EOF" stays recognisable as one word.
                        int start = _pos;
                        _pos += 2;
                        while (_pos < _s.Length && _s[_pos] is ' ' or '\t')
                            _pos++;
                        string marker = _s[start.._pos];
                        sb.Append(marker);
                        words.AddRaw(marker);
                        continue;
                    }
                    _pos++;
                    if (ch == _esc)
                    {
                        if (_rawEscapes)
                        {
                            words?.AddRawChar(ch);
                            sb.Append(ch);
                        }
                        // An escape at the very end is dropped (it escaped the line break the parser removed).
                        if (_pos >= _s.Length)
                            break;
                        ch = _s[_pos++];
                        words?.AddRawChar(ch);
                    }
                    else
                    {
                        words?.AddChar(ch);
                    }
                    sb.Append(ch);
                }
                if (stop != Eof)
                    return Fail($"unexpected end of statement while looking for matching {(char)stop}");
                return sb.ToString();
            }
            finally
            {
                _depth--;
                _rawEscapes = savedRaw;
            }
        }

        private StringBuilder RentBuilder()
        {
            if (_depth == _builders.Count)
                _builders.Add(new StringBuilder());
            return _builders[_depth++].Clear();
        }

        private string? SingleQuoted()
        {
            // Everything up to the next ' is literal; a single quote cannot be escaped inside (POSIX sh).
            StringBuilder sb = RentBuilder();
            try
            {
                return SingleQuotedInto(sb);
            }
            finally
            {
                _depth--;
            }
        }

        private string? DoubleQuoted()
        {
            StringBuilder sb = RentBuilder();
            try
            {
                return DoubleQuotedInto(sb);
            }
            finally
            {
                _depth--;
            }
        }

        private string? SingleQuotedInto(StringBuilder sb)
        {
            _pos++;
            if (_rawQuotes)
                sb.Append('\'');
            while (true)
            {
                if (_pos >= _s.Length)
                    return Fail("unexpected end of statement while looking for matching single-quote");
                char c = _s[_pos++];
                if (c == '\'')
                {
                    if (_rawQuotes)
                        sb.Append(c);
                    return sb.ToString();
                }
                sb.Append(c);
            }
        }

        private string? DoubleQuotedInto(StringBuilder sb)
        {
            // Literal except $ and the escape token, which escapes only ", $ and itself (POSIX sh, minus backquotes).
            _pos++;
            if (_rawQuotes)
                sb.Append('"');
            while (true)
            {
                int p = Peek;
                if (p == Eof)
                    return Fail("unexpected end of statement while looking for matching double-quote");
                if (p == '"')
                {
                    _pos++;
                    if (_rawQuotes)
                        sb.Append('"');
                    return sb.ToString();
                }
                if (p == '$')
                {
                    string? t = Dollar();
                    if (t is null)
                        return null;
                    sb.Append(t);
                    continue;
                }
                char c = _s[_pos++];
                if (c == _esc)
                {
                    if (_rawEscapes)
                        sb.Append(c);
                    int n = Peek;
                    if (n == Eof)
                        continue;
                    if (n == '"' || n == '$' || n == _esc)
                        c = _s[_pos++];
                }
                sb.Append(c);
            }
        }

        private string? Dollar()
        {
            _pos++;
            if (Peek != '{')
            {
                string name = Name();
                if (name.Length == 0)
                    return "$";
                bool found = Lookup(name, out string value);
                return !found && _skipUnset ? "$" + name : value;
            }

            _pos++;
            int first = Peek;
            if (first == Eof)
                return Fail("syntax error: missing '}'");
            if (first is '{' or '}' or ':')
                return Fail("syntax error: bad substitution");
            string varName = Name();
            if (_pos >= _s.Length)
                return Fail("syntax error: missing '}'");
            char ch = _s[_pos++];
            string modifier = ch.ToString();
            bool nullIsUnset = false;
            switch (ch)
            {
                case '}':
                {
                    bool found = Lookup(varName, out string value);
                    return !found && _skipUnset ? "${" + varName + "}" : value;
                }
                case ':':
                    if (_pos >= _s.Length)
                        return Fail("syntax error: missing '}'");
                    nullIsUnset = true;
                    ch = _s[_pos++];
                    modifier += ch;
                    return Modifier(varName, ch, modifier, nullIsUnset);
                case '+' or '-' or '?' or '#' or '%':
                    return Modifier(varName, ch, modifier, nullIsUnset);
                case '/':
                    return Substitute(varName);
                default:
                    return Fail($"unsupported modifier ({modifier}) in substitution");
            }
        }

        private string? Modifier(string name, char op, string modifier, bool nullIsUnset)
        {
            // Pattern words keep their escapes so the glob can tell "\*" from "*".
            bool rawEscapes = op is '#' or '%';
            string? word = StopOn('}', rawEscapes, null);
            if (word is null)
                return _pos >= _s.Length ? FailOverride("syntax error: missing '}'") : null;
            bool set = Lookup(name, out string value);
            if (_skipUnset && !set)
                return "${" + name + modifier + word + "}";
            switch (op)
            {
                case '-':
                    return !set || (nullIsUnset && value.Length == 0) ? word : value;
                case '+':
                    return !set || (nullIsUnset && value.Length == 0) ? "" : word;
                case '?':
                    if (!set)
                        return Fail($"{name}: {(word.Length > 0 ? word : "is not allowed to be unset")}");
                    if (nullIsUnset && value.Length == 0)
                        return Fail($"{name}: {(word.Length > 0 ? word : "is not allowed to be empty")}");
                    return value;
                case '#' or '%' when !nullIsUnset:
                {
                    bool greedy = word.Length > 0 && word[0] == op;
                    string pattern = greedy ? word[1..] : word;
                    string? result = op == '#'
                        ? ShellPattern.TrimPrefix(pattern, value, greedy, out string? error)
                        : ShellPattern.TrimSuffix(pattern, value, greedy, out error);
                    return result ?? Fail($"invalid pattern ({pattern}) in substitution: {error}");
                }
                default:
                    return Fail($"unsupported modifier ({modifier}) in substitution");
            }
        }

        private string? Substitute(string name)
        {
            bool all = Peek == '/';
            if (all)
                _pos++;
            string? pattern = StopOn('/', true, null);
            if (pattern is null)
                return _pos >= _s.Length ? FailOverride("syntax error: missing '/' in ${}") : null;
            string? replacement = StopOn('}', true, null);
            if (replacement is null)
                return _pos >= _s.Length ? FailOverride("syntax error: missing '}'") : null;
            bool set = Lookup(name, out string value);
            if (_skipUnset && !set)
                return "${" + name + (all ? "//" : "/") + pattern + "/" + replacement + "}";
            return ShellPattern.Replace(pattern, replacement, value, all, out string? error)
                ?? Fail($"invalid pattern ({pattern}) in substitution: {error}");
        }

        private string? FailOverride(string message)
        {
            _error = message;
            return null;
        }

        // $NAME: all digits, or one special parameter (@ * # ? - $ !), or a run of letters, digits and '_'.
        private string Name()
        {
            if (_pos >= _s.Length)
                return "";
            int start = _pos;
            if (IsDigitAt(_pos, out int len))
            {
                while (_pos < _s.Length && IsDigitAt(_pos, out len))
                    _pos += len;
                return _s[start.._pos];
            }
            if (_s[_pos] is '@' or '*' or '#' or '?' or '-' or '$' or '!')
            {
                _pos++;
                return _s[start.._pos];
            }
            while (_pos < _s.Length)
            {
                if (Rune.DecodeFromUtf16(_s.AsSpan(_pos), out Rune r, out int n) != System.Buffers.OperationStatus.Done)
                    break;
                if (!Rune.IsLetter(r) && !Rune.IsDigit(r) && r.Value != '_')
                    break;
                _pos += n;
            }
            return _s[start.._pos];
        }

        private bool IsDigitAt(int pos, out int length)
        {
            length = 0;
            if (Rune.DecodeFromUtf16(_s.AsSpan(pos), out Rune r, out int n) != System.Buffers.OperationStatus.Done || !Rune.IsDigit(r))
                return false;
            length = n;
            return true;
        }

        private bool Lookup(string name, out string value)
        {
            if (_env.TryGetValue(name, out value))
            {
                if (_trackNames)
                    (_used ??= new HashSet<string>(StringComparer.Ordinal)).Add(name);
                return true;
            }
            if (_trackNames)
                (_unset ??= new HashSet<string>(StringComparer.Ordinal)).Add(name);
            value = "";
            return false;
        }

        public override string ToString() => $"{_lex.EscapeToken} @{_pos}";
    }

    /// <summary>Collects words: unquoted whitespace separates, quoted or escaped text goes in as is, empty words vanish.</summary>
    private sealed class WordSplitter
    {
        private readonly StringBuilder _word = new();
        private List<string>? _words;
        private bool _inWord;

        public void Reset()
        {
            _word.Clear();
            _words = null;
            _inWord = false;
        }

        public void AddChar(char c)
        {
            if (char.IsWhiteSpace(c))
            {
                if (_inWord && _word.Length != 0)
                {
                    Flush();
                    _inWord = false;
                }
            }
            else
            {
                AddRawChar(c);
            }
        }

        public void AddRawChar(char c)
        {
            _word.Append(c);
            _inWord = true;
        }

        public void AddString(string s)
        {
            foreach (char c in s)
                AddChar(c);
        }

        public void AddRaw(string s)
        {
            _word.Append(s);
            _inWord = true;
        }

        public IReadOnlyList<string> Finish()
        {
            if (_word.Length > 0)
                Flush();
            return _words ?? NoWords;
        }

        private void Flush()
        {
            (_words ??= []).Add(_word.ToString());
            _word.Clear();
        }
    }
}
