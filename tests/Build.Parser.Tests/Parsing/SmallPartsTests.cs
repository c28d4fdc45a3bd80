using Build.Parser.Dump;
using Build.Parser.Parsing;

namespace Build.Parser.Tests.Parsing;

public class SmallPartsTests
{
    [Theory]
    [InlineData("abc", "\"abc\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("\a\b\f\n\r\t\v", "\"\\a\\b\\f\\n\\r\\t\\v\"")]
    [InlineData("\u0000\u001f\u007f", "\"\\x00\\x1f\\x7f\"")]
    [InlineData("♥☃안녕", "\"♥☃안녕\"")]
    [InlineData("\u00a0\u0085\u200b\ufeff\u2028", "\"\\u00a0\\u0085\\u200b\\ufeff\\u2028\"")]
    [InlineData("\U0001F600", "\"\U0001F600\"")]
    [InlineData("\U000E0001", "\"\\U000e0001\"")]
    [InlineData("'single'", "\"'single'\"")]
    public void GoQuote_matches_strconv_Quote(string value, string expected) => Assert.Equal(expected, GoQuote.Quote(value));

    [Theory]
    [InlineData("0", 0)]
    [InlineData("5s", 5_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("500ms", 500)]
    [InlineData("-2s", -2_000)]
    [InlineData(".5s", 500)]
    [InlineData("1h2m3s4ms", 3_723_004)]
    [InlineData("2000us", 2)]
    [InlineData("3000000ns", 3)]
    public void GoDuration_parses_go_syntax(string text, long milliseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("s")]
    [InlineData("1x")]
    [InlineData(".s")]
    [InlineData("1s ")]
    public void GoDuration_rejects_invalid_text_with_a_reason(string text)
    {
        Assert.False(GoDuration.TryParse(text, out _, out var error));
        Assert.StartsWith("invalid duration", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run", "run", 0)]
    [InlineData("form", "from", 1)]
    [InlineData("runn", "run", 1)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "abc", 3)]
    public void Distance_counts_transpositions_as_one_edit(string a, string b, int expected) =>
        Assert.Equal(expected, Levenshtein.Distance(a, b));
}
