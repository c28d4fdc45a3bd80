using Build.Parser.Combinators;
using Build.Parser.Diagnostics;
using Build.Parser.Syntax;

namespace Build.Parser.Parsing;

/// <summary>
/// Turns text into the syntax tree (FORMATS.md §2–§3): directives, logical lines, instruction word, flags,
/// per-instruction argument rules, heredoc bodies. One instance per parse; never throws on any input.
/// </summary>
/// <remarks>
/// Physical-line handling (continuations that skip comment and blank lines, heredoc bodies read raw after the
/// line that names them) depends on what earlier lines meant, so it is a small loop over lines; everything
/// inside a line is expressed with the combinator grammars (<see cref="LineGrammar"/>,
/// <see cref="JsonArrayGrammar"/>, <see cref="DirectiveGrammar"/>, <see cref="HeredocMarkers"/>).
/// </remarks>
internal sealed class SyntaxReader
{
    /// <summary>Upstream's scanner limit for one physical line.</summary>
    public const int MaxLineLength = 65535;

    private static readonly string[] KnownDirectives = ["syntax", "escape", "check"];

    private readonly SourceMap _map;
    private readonly string _fileName;
    private readonly List<Diagnostic> _diagnostics = [];
    private LineGrammar _grammar = LineGrammar.Backslash;

    public SyntaxReader(string text, string fileName)
    {
        _map = new SourceMap(text);
        _fileName = fileName;
    }

    public List<Diagnostic> Diagnostics => _diagnostics;

    public DockerfileSyntax Read()
    {
        for (int line = 0; line < _map.LineCount; line++)
        {
            if (_map.Content(line).Length > MaxLineLength)
                Error(DiagnosticCodes.LineTooLong, $"dockerfile line greater than max allowed size of {MaxLineLength}", _map.LineSpan(line));
        }

        var directives = ReadDirectives();
        var instructions = new List<InstructionNode>();
        var logical = new LogicalLine(_map);
        int i = 0;
        while (i < _map.LineCount)
        {
            var content = _map.Content(i);
            int indent = LeadingWhitespace(content);
            var first = content[indent..];
            if (first.Length > 0 && first[0] == '#')
                first = [];
            bool continues = Continuation(first, out var piece);
            if (piece.Length == 0 && !continues)
            {
                i++;
                continue;
            }

            logical.Clear();
            int startLine = i;
            logical.Append(i, _map.LineStart(i) + indent, piece);
            int lastLine = i++;
            bool warnedEmpty = false;
            while (continues && i < _map.LineCount)
            {
                var raw = _map.Content(i);
                int rawIndent = LeadingWhitespace(raw);
                if (rawIndent < raw.Length && raw[rawIndent] == '#')
                {
                    lastLine = i++;
                    continue;
                }
                if (rawIndent == raw.Length)
                {
                    if (!warnedEmpty)
                    {
                        Warning(DiagnosticCodes.EmptyContinuationLine,
                            "empty continuation line: blank lines inside a continued instruction are ignored and will become errors in future BuildKit releases",
                            _map.LineSpan(i));
                        warnedEmpty = true;
                    }
                    lastLine = i++;
                    continue;
                }
                continues = Continuation(raw, out piece);
                logical.Append(i, _map.LineStart(i), piece);
                lastLine = i++;
            }

            string text = logical.ToString();
            var node = ParseInstruction(text, 0, text.Length, logical);
            var end = _map.LineContentEndPosition(lastLine);
            var heredocs = ReadHeredocs(node, text, logical, ref i, ref end);
            instructions.Add(node with
            {
                Heredocs = heredocs,
                ContinuationLines = lastLine - startLine,
                Span = new SourceSpan(node.Span.Start, end),
            });
        }

        SourceSpan span;
        if (instructions.Count == 0)
        {
            span = SourceSpan.At(_map.TextStart);
            Error(DiagnosticCodes.NoInstructions, "the Dockerfile has no instructions", span);
        }
        else
        {
            span = new SourceSpan(instructions[0].Span.Start, instructions[^1].Span.End);
        }
        return new DockerfileSyntax(_fileName, ValueList<ParserDirective>.From(directives), ValueList<InstructionNode>.From(instructions),
            ValueList<Diagnostic>.From(_diagnostics), _grammar.Escape, span);
    }

    private List<ParserDirective> ReadDirectives()
    {
        var directives = new List<ParserDirective>();
        for (int line = 0; line < _map.LineCount; line++)
        {
            var content = _map.Content(line);
            int indent = LeadingWhitespace(content);
            var match = DirectiveGrammar.Line.Parse(content[indent..]);
            if (!match.Success)
                break;
            string key = match.Value.Key.ToLowerInvariant();
            if (Array.IndexOf(KnownDirectives, key) < 0)
                break;
            int lineStart = _map.LineStart(line);
            var span = new SourceSpan(_map.Position(line, lineStart + indent), _map.LineContentEndPosition(line));
            if (directives.Exists(d => d.Name == key))
            {
                Error(DiagnosticCodes.DuplicateDirective, $"only one {key} parser directive can be used", span);
                continue;
            }
            string value = match.Value.Value;
            if (key == "escape")
            {
                if (value is not ("\\" or "`"))
                {
                    var valueStart = _map.Position(line, lineStart + indent + match.Value.ValueStart);
                    Error(DiagnosticCodes.InvalidEscape, $"invalid escape token '{value}': it must be ` or \\", new SourceSpan(valueStart, span.End));
                }
                else
                {
                    _grammar = LineGrammar.For(value[0]);
                }
            }
            directives.Add(new ParserDirective(key, value, span));
        }
        return directives;
    }

    // FORMATS.md §2.4: a line continues if it ends with the escape token (plus spaces/tabs) that is not itself
    // escaped, or if it is only the escape token (plus spaces/tabs). The token and what follows it are removed.
    private bool Continuation(ReadOnlySpan<char> line, out ReadOnlySpan<char> piece)
    {
        char escape = _grammar.Escape;
        int end = line.Length;
        while (end > 0 && line[end - 1] is ' ' or '\t')
            end--;
        if (end > 0 && line[end - 1] == escape && (end == 1 || line[end - 2] != escape))
        {
            piece = line[..(end - 1)];
            return true;
        }
        piece = line;
        return false;
    }

    private static int LeadingWhitespace(ReadOnlySpan<char> text)
    {
        int i = 0;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
            i++;
        return i;
    }

    private static bool IsAsciiBlank(char c) => c is ' ' or '\t' or '\v' or '\f' or '\r';

    /// <summary>Parses the instruction in <paramref name="text"/>[<paramref name="from"/>..<paramref name="to"/>].</summary>
    private InstructionNode ParseInstruction(string text, int from, int to, LogicalLine logical)
    {
        while (from < to && char.IsWhiteSpace(text[from]))
            from++;
        while (to > from && char.IsWhiteSpace(text[to - 1]))
            to--;

        int keywordEnd = from;
        while (keywordEnd < to && !IsAsciiBlank(text[keywordEnd]))
            keywordEnd++;
        string keyword = text[from..keywordEnd];
        int p = keywordEnd;
        while (p < to && IsAsciiBlank(text[p]))
            p++;

        var flags = p < to ? ReadFlags(text, ref p, to, logical) : [];
        int argStart = p, argEnd = to;
        while (argStart < argEnd && char.IsWhiteSpace(text[argStart]))
            argStart++;
        string argText = text[argStart..argEnd];

        var arguments = new List<SyntaxArgument>();
        bool json = false;
        InstructionNode? nested = null;
        var kind = InstructionKinds.FromName(keyword);
        switch (kind)
        {
            case InstructionKind.Run or InstructionKind.Cmd or InstructionKind.Entrypoint or InstructionKind.Shell:
                json = MaybeJson(text, argStart, argEnd, logical, arguments, splitShellForm: false);
                break;
            case InstructionKind.Add or InstructionKind.Copy or InstructionKind.Volume:
                json = MaybeJson(text, argStart, argEnd, logical, arguments, splitShellForm: true);
                break;
            case InstructionKind.From or InstructionKind.Expose:
                SplitOnBlanks(text, argStart, argEnd, logical, arguments);
                break;
            case InstructionKind.Maintainer or InstructionKind.StopSignal or InstructionKind.User or InstructionKind.Workdir:
                if (argText.Length > 0)
                    arguments.Add(new SyntaxArgument(argText, logical.Span(argStart, argEnd)));
                break;
            case InstructionKind.Arg:
                foreach (var word in Words(text, argStart, argEnd))
                    arguments.Add(new SyntaxArgument(word.Text, logical.Span(word.Start, word.End)));
                break;
            case InstructionKind.Env or InstructionKind.Label:
                NameValues(keyword, text, argStart, argEnd, logical, arguments);
                break;
            case InstructionKind.Healthcheck:
                if (argText.Length > 0)
                {
                    int typeEnd = argStart;
                    while (typeEnd < argEnd && !char.IsWhiteSpace(text[typeEnd]))
                        typeEnd++;
                    arguments.Add(new SyntaxArgument(text[argStart..typeEnd], logical.Span(argStart, typeEnd)));
                    int rest = typeEnd;
                    while (rest < argEnd && char.IsWhiteSpace(text[rest]))
                        rest++;
                    json = MaybeJson(text, rest, argEnd, logical, arguments, splitShellForm: false);
                }
                break;
            case InstructionKind.Onbuild:
                if (argText.Length > 0)
                    nested = ParseInstruction(text, argStart, argEnd, logical);
                break;
            default:
                arguments.Add(new SyntaxArgument("", logical.Span(argStart, argEnd)));
                break;
        }

        return new InstructionNode(keyword, ValueList<SyntaxFlag>.From(flags), ValueList<SyntaxArgument>.From(arguments), nested, json,
            argText, text[from..to], ValueList<Heredoc>.Empty, 0, logical.Span(from, to));
    }

    // FORMATS.md §3.2. The loop decides where flags stop (a word not starting with "--", or the word "--");
    // the words themselves come from the escape-specific combinator grammar.
    private List<SyntaxFlag> ReadFlags(string text, ref int p, int to, LogicalLine logical)
    {
        var flags = new List<SyntaxFlag>();
        var state = new ParseState(text.AsSpan(0, to)) { Position = p };
        while (true)
        {
            int wordStart = state.Position;
            while (wordStart < to && char.IsWhiteSpace(text[wordStart]))
                wordStart++;
            if (wordStart + 1 >= to || text[wordStart] != '-' || text[wordStart + 1] != '-')
            {
                p = wordStart;
                return flags;
            }
            state.Position = wordStart;
            if (!_grammar.FlagWord.TryParse(ref state, out var word))
            {
                p = wordStart; // cannot happen: a flag word starts with '-', which the plain alternative accepts
                return flags;
            }
            if (word == "--")
            {
                p = state.Position;
                return flags;
            }
            int eq = word.IndexOf('=', StringComparison.Ordinal);
            string name = eq < 0 ? word[2..] : word[2..eq];
            string? value = eq < 0 ? null : word[(eq + 1)..];
            flags.Add(new SyntaxFlag(word, name, value, logical.Span(wordStart, state.Position)));
        }
    }

    private bool MaybeJson(string text, int start, int end, LogicalLine logical, List<SyntaxArgument> arguments, bool splitShellForm)
    {
        if (start < end && text[start] == '[')
        {
            var state = new ParseState(text.AsSpan(0, end)) { Position = start };
            if (JsonArrayGrammar.TopLevelArray.TryParse(ref state, out var elements))
            {
                foreach (var element in elements)
                {
                    var span = logical.Span(element.Start, element.End);
                    if (element.Value is null)
                        Error(DiagnosticCodes.JsonNonString, "when using JSON array syntax, arrays must be comprised of strings only", span);
                    else
                        arguments.Add(new SyntaxArgument(element.Value, span));
                }
                return true;
            }
        }
        if (splitShellForm)
            SplitOnBlanks(text, start, end, logical, arguments);
        else if (start < end)
            arguments.Add(new SyntaxArgument(text[start..end], logical.Span(start, end)));
        return false;
    }

    private static void SplitOnBlanks(string text, int start, int end, LogicalLine logical, List<SyntaxArgument> arguments)
    {
        int i = start;
        while (i < end)
        {
            while (i < end && IsAsciiBlank(text[i]))
                i++;
            int wordStart = i;
            while (i < end && !IsAsciiBlank(text[i]))
                i++;
            if (i > wordStart)
                arguments.Add(new SyntaxArgument(text[wordStart..i], logical.Span(wordStart, i)));
        }
    }

    private List<LineWord> Words(string text, int start, int end)
    {
        var words = new List<LineWord>();
        var state = new ParseState(text.AsSpan(0, end)) { Position = start };
        while (true)
        {
            while (state.Position < end && char.IsWhiteSpace(text[state.Position]))
                state.Position++;
            if (state.Position >= end)
                break;
            int before = state.Position;
            if (!_grammar.Word.TryParse(ref state, out var word) || state.Position == before)
                break;
            if (word.Text.Length > 0)
                words.Add(word);
        }
        return words;
    }

    // ENV and LABEL (FORMATS.md §3.3): old form "key rest of line" when the first word has no '=', else every
    // word must be key=value.
    private void NameValues(string keyword, string text, int start, int end, LogicalLine logical, List<SyntaxArgument> arguments)
    {
        var words = Words(text, start, end);
        if (words.Count == 0)
            return;
        string upper = keyword.ToUpperInvariant();
        if (!words[0].Text.Contains('=', StringComparison.Ordinal))
        {
            int keyEnd = start;
            while (keyEnd < end && !IsAsciiBlank(text[keyEnd]))
                keyEnd++;
            int valueStart = keyEnd;
            while (valueStart < end && IsAsciiBlank(text[valueStart]))
                valueStart++;
            if (valueStart >= end)
            {
                Error(DiagnosticCodes.MissingArguments, $"{upper} must have two arguments: {upper} {text[start..end]} has a name but no value", logical.Span(start, end));
                return;
            }
            arguments.Add(new SyntaxArgument(text[start..keyEnd], logical.Span(start, keyEnd)));
            arguments.Add(new SyntaxArgument(text[valueStart..end], logical.Span(valueStart, end)));
            arguments.Add(new SyntaxArgument("", logical.Span(end, end)));
            return;
        }
        foreach (var word in words)
        {
            int eq = word.Text.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                Error(DiagnosticCodes.InvalidArguments, $"syntax error - can't find = in \"{word.Text}\"; it must be of the form name=value", logical.Span(word.Start, word.End));
                continue;
            }
            var span = logical.Span(word.Start, word.End);
            arguments.Add(new SyntaxArgument(word.Text[..eq], span));
            arguments.Add(new SyntaxArgument(word.Text[(eq + 1)..], span));
            arguments.Add(new SyntaxArgument("=", span));
        }
    }

    private ValueList<Heredoc> ReadHeredocs(InstructionNode node, string text, LogicalLine logical, ref int nextLine, ref SourcePosition end)
    {
        var target = node.Kind == InstructionKind.Onbuild ? node.Nested : node;
        if (target is null || target.IsJsonForm || target.Kind is not (InstructionKind.Run or InstructionKind.Copy or InstructionKind.Add))
            return ValueList<Heredoc>.Empty;
        var markers = HeredocMarkers.Find(text);
        if (markers is null)
            return ValueList<Heredoc>.Empty;

        var heredocs = new List<Heredoc>(markers.Count);
        foreach (var marker in markers)
        {
            int bodyStart = nextLine;
            var body = new System.Text.StringBuilder();
            bool terminated = false;
            while (nextLine < _map.LineCount)
            {
                int line = nextLine++;
                var content = _map.Content(line);
                if (marker.Chomp)
                    content = content.TrimStart('\t');
                if (content.SequenceEqual(marker.Name))
                {
                    terminated = true;
                    end = _map.LineContentEndPosition(line);
                    break;
                }
                body.Append(_map.Raw(line));
            }
            SourceSpan bodySpan;
            if (bodyStart < _map.LineCount)
            {
                int last = Math.Max(bodyStart, nextLine - 1);
                bodySpan = new SourceSpan(_map.Position(bodyStart, _map.LineStart(bodyStart)), _map.LineContentEndPosition(last));
                if (!terminated)
                    end = _map.LineContentEndPosition(last);
            }
            else
            {
                bodySpan = SourceSpan.At(end);
            }
            if (!terminated)
            {
                int at = text.IndexOf(marker.Word, StringComparison.Ordinal);
                var markerSpan = at >= 0 ? logical.Span(at, at + marker.Word.Length) : node.Span;
                Error(DiagnosticCodes.UnterminatedHeredoc, $"unterminated heredoc: no line \"{marker.Name}\" ends the here-document started by {marker.Word}", markerSpan);
            }
            heredocs.Add(new Heredoc(marker.Name, marker.Word, body.ToString(), marker.Chomp, marker.Expand, marker.FileDescriptor, bodySpan));
            if (!terminated)
                break;
        }
        return ValueList<Heredoc>.From(heredocs);
    }

    private void Error(string code, string message, SourceSpan span) =>
        _diagnostics.Add(new Diagnostic(DiagnosticSeverity.Error, code, message, span, _fileName));

    private void Warning(string code, string message, SourceSpan span) =>
        _diagnostics.Add(new Diagnostic(DiagnosticSeverity.Warning, code, message, span, _fileName));
}
