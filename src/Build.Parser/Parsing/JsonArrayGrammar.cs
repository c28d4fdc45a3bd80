using Build.Parser.Combinators;

namespace Build.Parser.Parsing;

/// <summary>One element of a top-level JSON array: its decoded string, or null when it is not a string.</summary>
internal readonly record struct JsonElement(string? Value, int Start, int End);

/// <summary>
/// Strict JSON (RFC 8259, as Go's encoding/json accepts it) for the exec form: a top-level array whose elements
/// are returned with their offsets. Nested values are validated and skipped, so <c>[1, "a"]</c> parses (and the
/// caller reports "arrays must be comprised of strings only") while <c>["a",]</c> fails (and the caller falls
/// back to shell form).
/// </summary>
internal static class JsonArrayGrammar
{
    private static readonly Parser<Unit> Ws = Parsers.TakeWhile(static c => c is ' ' or '\t' or '\n' or '\r').IgnoreResult();

    private static readonly Parser<char> HexDigit = Parsers.Token(char.IsAsciiHexDigit, "a hex digit");

    private static readonly Parser<char> Escape = Parsers.Char('\\').Then(Parsers.OneOf(
        Parsers.Char('"'), Parsers.Char('\\'), Parsers.Char('/'),
        Parsers.Char('b').WithResult('\b'), Parsers.Char('f').WithResult('\f'), Parsers.Char('n').WithResult('\n'),
        Parsers.Char('r').WithResult('\r'), Parsers.Char('t').WithResult('\t'),
        Parsers.Char('u').Then(HexDigit.Then(HexDigit, static (a, b) => (a, b)).Then(HexDigit.Then(HexDigit, static (c, d) => (c, d)),
            static (ab, cd) => (char)Convert.ToUInt16(new string([ab.a, ab.b, cd.c, cd.d]), 16)))).Labelled("an escape sequence"));

    // Go rejects raw control characters inside strings; everything else up to '"' or '\' is literal.
    private static readonly Parser<char> PlainChar = Parsers.Token(static c => c >= 0x20 && c != '"' && c != '\\', "a string character");

    private static readonly Parser<string> String =
        Parsers.Char('"').Then(PlainChar.Or(Escape).ManyString()).Before(Parsers.Char('"').Labelled("'\"'")).Labelled("a string");

    private static readonly Parser<Unit> Digits = Parsers.TakeWhile1(char.IsAsciiDigit, "a digit").IgnoreResult();

    private static readonly Parser<Unit> Number =
        Parsers.Char('-').Optional()
            .Then(Parsers.Char('0').IgnoreResult().Or(Parsers.Token(static c => c is >= '1' and <= '9', "a digit").Then(Parsers.TakeWhile(char.IsAsciiDigit)).IgnoreResult()))
            .Then(Parsers.Char('.').Then(Digits).Optional())
            .Then(Parsers.OneOf("eE").Then(Parsers.OneOf("+-").Optional()).Then(Digits).Optional())
            .IgnoreResult().Labelled("a number");

    private static readonly Parser<Unit> Literal =
        Parsers.OneOf(Parsers.String("true"), Parsers.String("false"), Parsers.String("null")).IgnoreResult();

    private static readonly Parser<Unit> ObjectValue = Parsers.Char('{').Then(Ws)
        .Then(String.Before(Ws).Before(Parsers.Char(':')).Before(Ws).Then(Parsers.Rec(() => AnyValue!)).Before(Ws)
            .SeparatedBy(Parsers.Char(',').Then(Ws)))
        .Then(Parsers.Char('}')).IgnoreResult();

    private static readonly Parser<Unit> AnyValue = Parsers.Rec(() => Parsers.OneOf(
        String.IgnoreResult(), Number, Literal, ArrayOf(AnyValueRef), ObjectValue)).Labelled("a JSON value");

    private static Parser<Unit> AnyValueRef => AnyValue;

    private static Parser<Unit> ArrayOf(Parser<Unit> element) =>
        Parsers.Char('[').Then(Ws).Then(element.Before(Ws).SeparatedBy(Parsers.Char(',').Then(Ws))).Then(Parsers.Char(']')).IgnoreResult();

    private static readonly Parser<JsonElement> Element = Parsers.Map(
        static (start, value, end) => new JsonElement(value.HasValue ? value.Value : null, start, end),
        Parsers.CurrentOffset,
        String.Map(static s => new Maybe<string>(true, s)).Or(Parsers.Rec(() => AnyValue!).WithResult(Maybe<string>.None)),
        Parsers.CurrentOffset);

    /// <summary><c>[ element, ... ]</c> with optional whitespace around, and nothing after.</summary>
    public static readonly Parser<IReadOnlyList<JsonElement>> TopLevelArray =
        Ws.Then(Parsers.Char('['))
            .Then(Ws)
            .Then(Element.Before(Ws).SeparatedBy(Parsers.Char(',').Then(Ws)))
            .Before(Parsers.Char(']'))
            .Before(Ws)
            .Before(Parsers.End);
}
