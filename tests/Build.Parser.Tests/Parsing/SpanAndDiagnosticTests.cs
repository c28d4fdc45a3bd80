using Build.Parser.Parsing;
using Build.Parser.Syntax;
using static Build.Parser.Tests.Parsing.ParseHelpers;

namespace Build.Parser.Tests.Parsing;

public class SpanAndDiagnosticTests
{
    [Fact]
    public void Every_node_has_a_span_on_the_right_line_and_column()
    {
        var syntax = Ok("FROM a\n  COPY --from=b \\\n    src /dst\n").Syntax;
        var copy = syntax.Instructions[1];
        Assert.Equal("2:3-3:13", copy.Span.ToString());
        Assert.Equal("2:8-2:16", copy.Flags[0].Span.ToString());
        Assert.Equal("3:5-3:8", copy.Arguments[0].Span.ToString());
        Assert.Equal("3:9-3:13", copy.Arguments[1].Span.ToString());
        Assert.Equal(new SourceSpan(syntax.Instructions[0].Span.Start, copy.Span.End), syntax.Span);
    }

    [Fact]
    public void Json_elements_and_env_pairs_have_spans()
    {
        var result = Ok("FROM a\nCMD [\"a\",  \"bc\"]\nENV K=v  L=w\n");
        Assert.Equal("2:12-2:16", result.Syntax.Instructions[1].Arguments[1].Span.ToString());
        var env = Assert.IsType<EnvInstruction>(result.Dockerfile.Instructions[2]);
        Assert.Equal("3:10-3:13", env.Variables[1].Span.ToString());
    }

    [Fact]
    public void Onbuild_nested_node_spans_point_into_the_line()
    {
        var node = Ok("FROM a\nONBUILD RUN --network=none x\n").Syntax.Instructions[1];
        Assert.Equal("2:9-2:29", node.Nested!.Span.ToString());
        Assert.Equal("2:13-2:27", node.Nested.Flags[0].Span.ToString());
    }

    [Theory]
    [InlineData("RUNN echo", "unknown instruction: RUNN (did you mean RUN?)")]
    [InlineData("workdri /x", "unknown instruction: workdri (did you mean WORKDIR?)")]
    [InlineData("ENTRYPOIN [\"x\"]", "unknown instruction: ENTRYPOIN (did you mean ENTRYPOINT?)")]
    [InlineData("FOO bar", "unknown instruction: FOO")]
    public void Unknown_instruction_suggests_the_closest(string line, string message)
    {
        var error = Error("FROM a\n" + line);
        Assert.Equal("unknown-instruction", error.Code);
        Assert.Equal(message, error.Message);
        Assert.Equal(2, error.Span.Start.Line);
        Assert.Equal(1, error.Span.Start.Column);
    }

    [Theory]
    [InlineData("COPY --form=a x /y", "unknown flag --form on COPY (did you mean --from?)")]
    [InlineData("ADD --from=a x /y", "flag --from is not valid on ADD (it is a flag of COPY)")]
    [InlineData("RUN --chown=a x", "flag --chown is not valid on RUN (it is a flag of COPY and ADD)")]
    [InlineData("WORKDIR --x /y", "unknown flag --x: WORKDIR takes no flags")]
    [InlineData("COPY --zzzzzz=1 x /y", "unknown flag --zzzzzz on COPY; valid flags are --from, --chown, --chmod, --link, --parents, --exclude")]
    public void Flag_errors_name_the_flag_and_the_fix(string line, string message)
    {
        var error = Error("FROM a\n" + line);
        Assert.Equal(message, error.Message);
        Assert.Equal((2, line.IndexOf("--", StringComparison.Ordinal) + 1), (error.Span.Start.Line, error.Span.Start.Column));
    }

    [Fact]
    public void Diagnostics_render_as_file_line_column_message()
    {
        var result = DockerfileParser.Parse("FROM a\nRUNN x\n", "build/app.Dockerfile");
        Assert.Equal("build/app.Dockerfile:2:1: unknown instruction: RUNN (did you mean RUN?)", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Errors_do_not_stop_parsing_and_come_in_source_order()
    {
        var result = DockerfileParser.Parse("FROM a\nRUNN x\nCMD [1]\nCOPY --bad a b\nRUN ok\n");
        Assert.Equal([2, 3, 4], result.Errors.Select(e => e.Span.Start.Line));
        Assert.Equal(5, result.Syntax.Instructions.Count);
        Assert.Equal(2, result.Dockerfile.Instructions.Count); // FROM and the last RUN
    }
}
