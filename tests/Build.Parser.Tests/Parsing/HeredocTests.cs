using Build.Parser.Dump;
using Build.Parser.Parsing;
using Build.Parser.Syntax;
using static Build.Parser.Tests.Parsing.ParseHelpers;

namespace Build.Parser.Tests.Parsing;

public class HeredocTests
{
    [Fact]
    public void Run_heredoc_body_is_read_raw_and_not_dumped()
    {
        var result = Ok("FROM a\nRUN <<EOF\n# not a comment \\\n\techo hi\nEOF\nRUN after\n");
        var run = Assert.IsType<RunInstruction>(result.Dockerfile.Instructions[1]);
        var heredoc = Assert.Single(run.Heredocs);
        Assert.Equal("EOF", heredoc.Name);
        Assert.Equal("# not a comment \\\n\techo hi\n", heredoc.Content);
        Assert.True(heredoc.Expand);
        Assert.False(heredoc.Chomp);
        Assert.Equal("<<EOF", run.Command.ShellText);
        Assert.Equal((3, 5), (heredoc.BodySpan.Start.Line, heredoc.BodySpan.End.Line));
        Assert.Equal((2, 5), (run.Span.Start.Line, run.Span.End.Line));
        Assert.Equal("(from \"a\")\n(run \"<<EOF\")\n(run \"after\")\n", AstDumper.Dump(result.Syntax));
    }

    [Fact]
    public void Chomp_strips_tabs_from_terminator_and_on_use()
    {
        var run = Single<RunInstruction>("RUN <<-EOT bash\n\t\techo a\n\tEOT");
        var heredoc = Assert.Single(run.Heredocs);
        Assert.True(heredoc.Chomp);
        Assert.Equal("\t\techo a\n", heredoc.Content);
        Assert.Equal("echo a\n", heredoc.ChompedContent);
        Assert.Equal("<<-EOT bash", run.Command.ShellText);
    }

    [Theory]
    [InlineData("<<'EOF'", "EOF", false)]
    [InlineData("<<\"EOF\"", "EOF", false)]
    [InlineData("<<EO\"F\"", "EOF", false)]
    [InlineData("<<eo\\'f", "eo'f", true)]
    [InlineData("<<  EOF", "EOF", true)]
    public void Quoted_delimiters_turn_expansion_off(string marker, string name, bool expand)
    {
        var copy = Single<CopyInstruction>($"COPY {marker} /file\nbody\n{name}");
        var heredoc = Assert.Single(copy.SourceContents);
        Assert.Equal(name, heredoc.Name);
        Assert.Equal(expand, heredoc.Expand);
        Assert.Equal("body\n", heredoc.Content);
        Assert.Empty(copy.Sources);
        Assert.Equal("/file", copy.Destination);
    }

    [Fact]
    public void Several_heredocs_per_instruction_are_read_in_marker_order()
    {
        var copy = Single<CopyInstruction>("COPY <<A <<B local /dst/\na1\nA\nb1\nb2\nB");
        Assert.Equal(["A", "B"], copy.SourceContents.Select(h => h.Name));
        Assert.Equal(["a1\n", "b1\nb2\n"], copy.SourceContents.Select(h => h.Content));
        Assert.Equal(["local"], copy.Sources);

        var run = Single<RunInstruction>("RUN 3<<X cat /dev/fd/3 && <<Y cat\nx\nX\ny\nY");
        Assert.Equal([3, null], run.Heredocs.Select(h => h.FileDescriptor));
    }

    [Fact]
    public void Onbuild_heredocs_are_read_and_appended_to_the_expression()
    {
        var onbuild = Single<OnbuildInstruction>("ONBUILD RUN <<EOF\necho hi\nEOF");
        var run = Assert.IsType<RunInstruction>(onbuild.Trigger);
        Assert.Equal("echo hi\n", Assert.Single(run.Heredocs).Content);
        Assert.Equal("RUN <<EOF\necho hi\nEOF", onbuild.Expression);
    }

    [Theory]
    [InlineData("RUN [\"cat\", \"<<EOF\"]\nEOF")]
    [InlineData("RUN echo '<<EOF'\nEOF")]
    [InlineData("RUN cat <<<EOF\nEOF")]
    [InlineData("CMD cat <<EOF\nEOF")]
    [InlineData("RUN echo \"unterminated <<EOF\nEOF")]
    public void Not_a_heredoc(string line)
    {
        var syntax = DockerfileParser.ParseSyntax("FROM a\n" + line);
        // The "EOF" line is then an instruction of its own (unknown to the typed layer, fine for the syntax).
        Assert.Equal(3, syntax.Instructions.Count);
        Assert.Empty(syntax.Instructions[1].Heredocs);
    }

    [Fact]
    public void Unterminated_heredoc_is_an_error_at_the_marker()
    {
        var error = Error("FROM a\nRUN cat <<EOF\nline\n");
        Assert.Equal("unterminated-heredoc", error.Code);
        Assert.Equal((2, 9), (error.Span.Start.Line, error.Span.Start.Column));
    }

    [Fact]
    public void Crlf_terminator_matches()
    {
        var run = Single<RunInstruction>("RUN <<EOF\r\necho hi\r\nEOF\r\n");
        Assert.Equal("echo hi\r\n", Assert.Single(run.Heredocs).Content);
    }
}
