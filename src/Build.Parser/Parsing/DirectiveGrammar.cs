using Build.Parser.Combinators;

namespace Build.Parser.Parsing;

/// <summary>A <c># key=value</c> line: key as written, value trimmed, and the value's offsets in the line.</summary>
internal readonly record struct DirectiveMatch(string Key, string Value, int ValueStart);

/// <summary>
/// The parser-directive line (FORMATS.md §2.2): <c>#</c>, blanks, a key of a letter then letters/digits, blanks,
/// <c>=</c>, blanks, a non-empty value. Blanks are Go regexp's <c>\s</c> (ASCII tab, LF, FF, CR, space).
/// </summary>
internal static class DirectiveGrammar
{
    private static bool IsBlank(char c) => c is ' ' or '\t' or '\n' or '\f' or '\r';

    private static readonly Parser<Unit> Blanks = Parsers.TakeWhile(IsBlank).IgnoreResult();

    private static readonly Parser<string> Key =
        Parsers.Token(char.IsAsciiLetter, "a directive name")
            .Then(Parsers.TakeWhile(char.IsAsciiLetterOrDigit))
            .RecognizeString();

    private static readonly Parser<(int Start, string Text)> Value =
        Parsers.CurrentOffset.Then(
            Parsers.TakeWhile1(static _ => true, "a directive value").RecognizeString(),
            static (start, text) => (start, text));

    public static readonly Parser<DirectiveMatch> Line =
        Parsers.Char('#').Then(Blanks).Then(Key).Before(Blanks).Before(Parsers.Char('=')).Before(Blanks)
            .Then(Value, static (key, value) => (key, value))
            .Where(static kv => kv.value.Text.AsSpan().TrimEnd(" \t\n\f\r").Length > 0, "a directive value")
            .Map(static kv => new DirectiveMatch(kv.key, kv.value.Text.TrimEnd(' ', '\t', '\n', '\f', '\r'), kv.value.Start));
}
