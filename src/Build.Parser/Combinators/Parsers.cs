namespace Build.Parser.Combinators;

/// <summary>
/// Factory methods for primitive parsers and n-ary combinators (Pidgin's static <c>Parser</c> class; named
/// <c>Parsers</c> here because <c>Parser</c> would collide with the <c>Build.Parser</c> namespace).
/// </summary>
public static class Parsers
{
    /// <summary>Succeeds at the end of the input.</summary>
    public static Parser<Unit> End { get; } = new EndParser();

    /// <summary>Any single character.</summary>
    public static Parser<char> AnyChar { get; } = Token(static _ => true, "any character");

    /// <summary>One whitespace character (Unicode White_Space, as Go's unicode.IsSpace).</summary>
    public static Parser<char> Whitespace { get; } = Token(char.IsWhiteSpace, "whitespace");

    /// <summary>Zero or more whitespace characters, skipped.</summary>
    public static Parser<Unit> SkipWhitespaces { get; } = Whitespace.SkipMany();

    /// <summary>The current offset, without consuming anything.</summary>
    public static Parser<int> CurrentOffset { get; } = new OffsetParser();

    /// <summary>Exactly the character <paramref name="c"/>.</summary>
    public static Parser<char> Char(char c) => new CharParser(c);

    /// <summary>Exactly the text <paramref name="text"/> (ordinal). Consumes nothing on failure.</summary>
    public static Parser<string> String(string text) => new StringParser(text, StringComparison.Ordinal);

    /// <summary>The text <paramref name="text"/>, ignoring case (ordinal). Consumes nothing on failure.</summary>
    public static Parser<string> CIString(string text) => new StringParser(text, StringComparison.OrdinalIgnoreCase);

    /// <summary>One character satisfying <paramref name="predicate"/>.</summary>
    public static Parser<char> Token(Func<char, bool> predicate, string label) => new TokenParser(predicate, label);

    /// <summary>One character from <paramref name="chars"/>.</summary>
    public static Parser<char> OneOf(string chars) => new TokenParser(c => chars.Contains(c, StringComparison.Ordinal), "one of \"" + chars + "\"");

    /// <summary>One character not in <paramref name="chars"/>.</summary>
    public static Parser<char> NoneOf(string chars) => new TokenParser(c => !chars.Contains(c, StringComparison.Ordinal), "a character other than \"" + chars + "\"");

    /// <summary>The longest run (possibly empty) of characters satisfying <paramref name="predicate"/>, as a slice.</summary>
    /// <remarks>A specialised <c>Token(p).SkipMany().Slice()</c>: one tight loop, no per-character dispatch.</remarks>
    public static Parser<TextSlice> TakeWhile(Func<char, bool> predicate) => new TakeWhileParser(predicate, 0, "");

    /// <summary>Like <see cref="TakeWhile"/> but requires at least one character.</summary>
    public static Parser<TextSlice> TakeWhile1(Func<char, bool> predicate, string label) => new TakeWhileParser(predicate, 1, label);

    /// <summary>Succeeds when <paramref name="parser"/> would, without consuming input.</summary>
    public static Parser<T> Lookahead<T>(Parser<T> parser)
    {
        ArgumentNullException.ThrowIfNull(parser);
        return parser.Lookahead();
    }

    /// <summary>Always succeeds with <paramref name="value"/>, consuming nothing.</summary>
    public static Parser<T> Return<T>(T value) => new ReturnParser<T>(value);

    /// <summary>Always fails, expecting <paramref name="label"/>.</summary>
    public static Parser<T> Fail<T>(string label) => new FailParser<T>(label);

    /// <summary>The first alternative that succeeds (or fails after consuming input).</summary>
    public static Parser<T> OneOf<T>(params Parser<T>[] alternatives) => new OrParser<T>(alternatives);

    /// <summary>A parser defined later (for recursive grammars such as nested JSON arrays).</summary>
    public static Parser<T> Rec<T>(Func<Parser<T>> factory) => new RecParser<T>(factory);

    /// <summary>Runs the parsers in order and combines their results.</summary>
    public static Parser<TResult> Map<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> combine, Parser<T1> p1, Parser<T2> p2, Parser<T3> p3) =>
        p1.Then(p2, static (a, b) => (a, b)).Then(p3, (ab, c) => combine(ab.a, ab.b, c));

    /// <summary>Concatenates the characters of a repetition into one string, using a stack buffer (no intermediate list).</summary>
    public static Parser<string> ManyString(this Parser<char> parser) => new ManyStringParser(parser);

    /// <summary>
    /// Zero or more string pieces concatenated. A single piece is returned as is, so the common case (one run of
    /// plain text) allocates only that piece.
    /// </summary>
    public static Parser<string> Concat(this Parser<string> piece) => new ConcatParser(piece);

    /// <summary>A cached one-character string for ASCII characters (avoids an allocation per escaped character).</summary>
    public static string CharString(char c) => c < 128 ? AsciiStrings[c] : c.ToString();

    private static readonly string[] AsciiStrings = CreateAsciiStrings();

    private static string[] CreateAsciiStrings()
    {
        var table = new string[128];
        for (int i = 0; i < table.Length; i++)
            table[i] = ((char)i).ToString();
        return table;
    }

    /// <summary>Runs <paramref name="parser"/> and returns the consumed text as a string.</summary>
    public static Parser<string> RecognizeString<T>(this Parser<T> parser) => new RecognizeStringParser<T>(parser);
}
