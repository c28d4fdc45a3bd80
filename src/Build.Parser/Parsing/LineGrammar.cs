using Build.Parser.Combinators;

namespace Build.Parser.Parsing;

/// <summary>A word found in a line, with its offsets in that line.</summary>
internal readonly record struct LineWord(string Text, int Start, int End);

/// <summary>
/// The token-level grammar of one logical line for one escape token. The escape token changes what several
/// tokens mean, so there is one prebuilt instance per legal token (<see cref="Backslash"/>, <see cref="Backtick"/>)
/// and the <c># escape=</c> directive picks one; no parser is built while parsing a file.
/// </summary>
internal sealed class LineGrammar
{
    public static LineGrammar Backslash { get; } = new('\\');

    public static LineGrammar Backtick { get; } = new('`');

    public static LineGrammar For(char escape) => escape == '`' ? Backtick : Backslash;

    private LineGrammar(char escape)
    {
        Escape = escape;

        // Flag words (FORMATS.md §3.2): quotes are removed, the escape token escapes the next character even
        // inside single quotes, an escape token at the very end is dropped, and an unterminated quote simply
        // runs to the end of the line (BuildKit reports no error for it).
        var escaped = Parsers.Char(escape).Then(
            Parsers.AnyChar.Map(Parsers.CharString).Or(Parsers.End.WithResult("")));
        Parser<string> Quoted(char quote) =>
            Parsers.Char(quote)
                .Then(escaped.Or(Parsers.TakeWhile1(c => c != quote && c != escape, "text").RecognizeString()).Concat())
                .Before(Parsers.Char(quote).Optional());
        var plain = Parsers.TakeWhile1(c => !char.IsWhiteSpace(c) && c != '\'' && c != '"' && c != escape, "a flag").RecognizeString();
        FlagWord = Parsers.OneOf(plain, escaped, Quoted('\''), Quoted('"')).Concat();

        // ENV/LABEL/ARG words (FORMATS.md §3.3 "word split"): quotes and escapes are kept; only whitespace outside
        // quotes separates words and a dangling escape token at the very end is dropped.
        var keptEscape = Parsers.Char(escape).Then(
            Parsers.AnyChar.Map(c => new string([escape, c])).Or(Parsers.End.WithResult("")));
        var singleQuoted = Parsers.Char('\'').Then(Parsers.TakeWhile(static c => c != '\'')).Then(Parsers.Char('\'').Optional()).RecognizeString();
        var doubleQuoted = Parsers.Char('"')
            .Then(keptEscape.Or(Parsers.TakeWhile1(c => c != '"' && c != escape, "text").RecognizeString()).Concat())
            .Then(Parsers.Char('"').Optional(), static (inner, close) => "\"" + inner + (close.HasValue ? "\"" : ""));
        var bare = Parsers.TakeWhile1(c => !char.IsWhiteSpace(c) && c != '\'' && c != '"' && c != escape, "a word").RecognizeString();
        var word = Parsers.OneOf(bare, keptEscape, singleQuoted, doubleQuoted).Concat();
        Word = Parsers.Map(static (start, text, end) => new LineWord(text, start, end), Parsers.CurrentOffset, word, Parsers.CurrentOffset);
    }

    public char Escape { get; }

    /// <summary>One flag word with quotes removed and escapes resolved.</summary>
    public Parser<string> FlagWord { get; }

    /// <summary>One raw ENV/LABEL/ARG word with its offsets.</summary>
    public Parser<LineWord> Word { get; }
}
