using Build.Parser.Dump;
using Build.Parser.Parsing;

namespace Build.Parser.Tests.Conformance;

/// <summary>BuildKit's parser test data (FORMATS.md §1): dumps byte for byte, negatives rejected, line numbers.</summary>
public class BuildKitTestfilesTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Path.Combine(SharedData.ParserDir, "testfiles")).Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(dir));
        return data;
    }

    public static TheoryData<string> NegativeCases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Path.Combine(SharedData.ParserDir, "testfiles-negative")).Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(dir));
        return data;
    }

    [Fact]
    public void All_33_positive_cases_are_present()
    {
        Assert.Equal(33, Cases().Count);
        Assert.Equal(4, NegativeCases().Count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Dump_matches_result_byte_for_byte(string name)
    {
        string dir = Path.Combine(SharedData.ParserDir, "testfiles", name);
        string text = SharedData.ReadDockerfile(Path.Combine(dir, "Dockerfile"));
        string expected = File.ReadAllText(Path.Combine(dir, "result")).Replace("\r\n", "\n", StringComparison.Ordinal);

        var syntax = DockerfileParser.ParseSyntax(text);

        Assert.DoesNotContain(syntax.Diagnostics, d => d.IsError);
        Assert.Equal(expected, AstDumper.Dump(syntax));
    }

    [Theory]
    [MemberData(nameof(NegativeCases))]
    public void Negative_case_is_rejected_with_an_error_naming_a_line(string name)
    {
        string path = Path.Combine(SharedData.ParserDir, "testfiles-negative", name, "Dockerfile");
        var result = DockerfileParser.Parse(SharedData.ReadDockerfile(path));

        Assert.True(result.HasErrors);
        var error = result.Errors.First();
        Assert.True(error.Span.Start.Line >= 1);
        Assert.Matches(@"^Dockerfile:\d+:\d+: ", error.ToString());
    }

    [Fact]
    public void Testfile_line_reports_the_physical_lines_of_each_instruction()
    {
        string path = Path.Combine(SharedData.ParserDir, "testfile-line", "Dockerfile");
        var syntax = DockerfileParser.ParseSyntax(SharedData.ReadDockerfile(path));

        Assert.Equal((5, 31), (syntax.Span.Start.Line, syntax.Span.End.Line));
        Assert.Equal([(5, 5), (11, 12), (17, 31)], syntax.Instructions.Select(i => (i.Span.Start.Line, i.Span.End.Line)));
        Assert.Equal('\\', syntax.EscapeToken);
        Assert.Equal("escape", Assert.Single(syntax.Directives).Name);
    }
}
