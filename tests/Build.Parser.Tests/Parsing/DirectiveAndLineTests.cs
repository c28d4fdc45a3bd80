using Build.Parser.Dump;
using Build.Parser.Parsing;
using Build.Parser.Syntax;
using static Build.Parser.Tests.Parsing.ParseHelpers;

namespace Build.Parser.Tests.Parsing;

public class DirectiveAndLineTests
{
    [Fact]
    public void Directives_are_read_at_the_top_only()
    {
        var syntax = Ok("# syntax = docker/dockerfile:1.7\n#CHECK=skip=all;error=true\n# escape=`\n\n# escape=\\\nFROM a\n").Syntax;
        Assert.Equal(["syntax", "check", "escape"], syntax.Directives.Select(d => d.Name));
        Assert.Equal("docker/dockerfile:1.7", syntax.Syntax);
        Assert.Equal("skip=all;error=true", syntax.Check);
        Assert.Equal('`', syntax.EscapeToken);
        Assert.Equal((1, 1), (syntax.Directives[0].Span.Start.Line, syntax.Directives[0].Span.Start.Column));
    }

    [Fact]
    public void A_comment_or_unknown_key_ends_directive_detection()
    {
        Assert.Equal('\\', Ok("# hello\n# escape=`\nFROM a\n").Syntax.EscapeToken);
        Assert.Equal('\\', Ok("# foo=bar\n# escape=`\nFROM a\n").Syntax.EscapeToken);
        Assert.Empty(Ok("FROM a\n# syntax=x\n").Syntax.Directives);
    }

    [Fact]
    public void Backtick_escape_changes_continuation_flags_and_words()
    {
        var result = Ok("# escape=`\nFROM a\nRUN dir c:\\ `\n  && echo hi\nENV A=x` y\nCOPY --chown=a`\"b x y\n");
        Assert.Equal("(from \"a\")\n(run \"dir c:\\\\   && echo hi\")\n(env \"A\" \"x` y\" \"=\")\n(copy [\"--chown=a\\\"b\"] \"x\" \"y\")\n",
            AstDumper.Dump(result.Syntax));
    }

    [Theory]
    [InlineData("# escape=x\nFROM a", "invalid-escape")]
    [InlineData("# escape=\\\n# escape=`\nFROM a", "duplicate-directive")]
    [InlineData("# syntax=a\n# Syntax=b\nFROM a", "duplicate-directive")]
    public void Directive_errors(string text, string code) => Assert.Equal(code, Error(text).Code);

    [Fact]
    public void Crlf_and_bom_parse_like_lf()
    {
        string lf = "FROM a\nRUN echo \\\n  hi\nENV X=1\n";
        string crlf = "\uFEFF" + lf.Replace("\n", "\r\n", StringComparison.Ordinal);
        var a = Ok(lf).Syntax;
        var b = Ok(crlf).Syntax;
        Assert.Equal(AstDumper.Dump(a), AstDumper.Dump(b));
        Assert.Equal((1, 1), (b.Instructions[0].Span.Start.Line, b.Instructions[0].Span.Start.Column));
        Assert.Equal((3, 5), (b.Instructions[1].Span.End.Line, b.Instructions[1].Span.End.Column));
    }

    [Fact]
    public void Continuations_skip_comments_and_blank_lines_and_warn_on_blank()
    {
        var result = Ok("FROM a\nRUN echo a \\\n# comment\n\n  b\n");
        Assert.Equal("echo a   b", Assert.IsType<RunInstruction>(result.Dockerfile.Instructions[1]).Command.ShellText);
        Assert.Equal("empty-continuation-line", Assert.Single(result.Diagnostics).Code);
        Assert.Equal(3, result.Syntax.Instructions[1].ContinuationLines);
    }

    [Fact]
    public void Continuation_at_end_of_file_keeps_collected_text()
    {
        Assert.Equal("(from \"a\")\n(run \"echo x\")\n", AstDumper.Dump(Ok("FROM a\nRUN echo x \\").Syntax));
    }

    [Fact]
    public void Overlong_line_is_an_error()
    {
        Assert.Equal("line-too-long", Error("FROM a\nRUN " + new string('x', 70_000)).Code);
    }

    [Fact]
    public void Empty_and_comment_only_files_have_no_instructions()
    {
        Assert.Equal("no-instructions", Error("").Code);
        Assert.Equal("no-instructions", Error("# only\n\n   # comments\n").Code);
        Assert.Equal("no-instructions", Error("\uFEFF").Code);
    }
}
