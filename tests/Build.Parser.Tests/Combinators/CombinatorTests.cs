using Build.Parser.Combinators;

namespace Build.Parser.Tests.Combinators;

public class CombinatorTests
{
    private static readonly Parser<string> Ident =
        Parsers.Token(char.IsAsciiLetter, "a letter").Then(Parsers.TakeWhile(char.IsAsciiLetterOrDigit)).RecognizeString().Labelled("an identifier");

    [Fact]
    public void Char_and_String_match_exactly_and_report_what_they_expected()
    {
        Assert.Equal('a', Parsers.Char('a').Parse("abc").Value);
        var failure = Parsers.String("FROM").Parse("FRUM").Failure!;
        Assert.Equal("expected \"FROM\", got 'F' at 1:1", failure.Message);
        Assert.Equal("from", Parsers.CIString("FROM").Parse("from x").Value);
    }

    [Fact]
    public void Or_reports_every_alternative_tried_at_the_furthest_position()
    {
        var p = Parsers.Char('[').Then(Parsers.Char(']').Or(Parsers.Char('x')));
        var failure = p.Parse("[y").Failure!;
        Assert.Equal(new SourcePosition(1, 2, 1), failure.Position);
        Assert.Equal(["']'", "'x'"], failure.Expected);
        Assert.Equal("expected ']' or 'x', got 'y' at 1:2", failure.Message);
    }

    [Fact]
    public void Or_does_not_backtrack_after_consumed_input_unless_Try()
    {
        var ab = Parsers.String("a").Then(Parsers.String("b"));
        var ac = Parsers.String("a").Then(Parsers.String("c"));
        Assert.False(ab.Or(ac).Parse("ac").Success);
        Assert.Equal("c", ab.Try().Or(ac).Parse("ac").Value);
    }

    [Fact]
    public void Many_SeparatedBy_AtLeastOnce_and_Optional()
    {
        var digit = Parsers.Token(char.IsAsciiDigit, "a digit");
        Assert.Equal(['1', '2', '3'], digit.Many().Parse("123x").Value);
        Assert.Empty(digit.Many().Parse("x").Value);
        Assert.False(digit.AtLeastOnce().Parse("x").Success);
        Assert.Equal(["a", "b1", "c"], Ident.SeparatedBy(Parsers.Char(',')).ParseAll("a,b1,c").Value);
        Assert.False(Ident.SeparatedBy(Parsers.Char(',')).ParseAll("a,").Success);
        var optional = Parsers.Char('-').Optional().Parse("x");
        Assert.True(optional.Success);
        Assert.False(optional.Value.HasValue);
    }

    [Fact]
    public void Labelled_replaces_the_expectation_and_positions_count_lines()
    {
        var p = Parsers.String("ab\n").Then(Ident);
        var failure = p.Parse("ab\n9").Failure!;
        Assert.Equal("expected an identifier, got '9' at 2:1", failure.Message);
        Assert.Equal(3, failure.Position.Offset);
    }

    [Fact]
    public void ParseAll_requires_end_of_input()
    {
        Assert.Equal("expected end of input, got '!' at 1:4", Ident.ParseAll("abc!").Failure!.Message);
        Assert.Equal("expected an identifier, got end of input at 1:1", Ident.ParseAll("").Failure!.Message);
    }

    [Fact]
    public void ManyString_and_Concat_build_strings_including_long_ones()
    {
        var notComma = Parsers.Token(c => c != ',', "text");
        string longText = new('x', 1000);
        Assert.Equal(longText, notComma.ManyString().Parse(longText + ",").Value);
        var escaped = Parsers.Char('\\').Then(Parsers.AnyChar.Map(Parsers.CharString));
        var plain = Parsers.TakeWhile1(c => c != '\\', "text").RecognizeString();
        Assert.Equal("a b\\c", escaped.Or(plain).Concat().Parse("a\\ b\\\\c").Value);
    }

    [Fact]
    public void Rec_allows_recursive_grammars()
    {
        Parser<int>? nested = null;
        nested = Parsers.Char('(').Then(Parsers.Rec(() => nested!)).Before(Parsers.Char(')')).Map(d => d + 1)
            .Or(Parsers.Return(0));
        Assert.Equal(3, nested.ParseAll("((()))").Value);
        Assert.False(nested.ParseAll("(()").Success);
    }

    [Fact]
    public void Where_Bind_Lookahead_and_Slice()
    {
        var even = Parsers.TakeWhile1(char.IsAsciiDigit, "digits").RecognizeString().Where(s => s.Length % 2 == 0, "an even number of digits");
        Assert.True(even.ParseAll("12").Success);
        Assert.Contains("an even number of digits", even.ParseAll("123").Failure!.Message, StringComparison.Ordinal);
        var counted = Parsers.Token(char.IsAsciiDigit, "a count").Bind(c => Parsers.Char('x').Many().Where(xs => xs.Count == c - '0', "the counted x's"));
        Assert.True(counted.ParseAll("3xxx").Success);
        Assert.False(counted.ParseAll("3xx").Success);
        var look = Parsers.Lookahead(Parsers.String("ab")).Then(Parsers.AnyChar);
        Assert.Equal('a', look.Parse("ab").Value);
        Assert.Equal(new TextSlice(0, 3), Ident.Slice().Parse("abc def").Value);
    }
}
