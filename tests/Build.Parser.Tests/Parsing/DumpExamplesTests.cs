using Build.Parser.Dump;
using Build.Parser.Parsing;

namespace Build.Parser.Tests.Parsing;

/// <summary>FORMATS.md §5.5: cases not in BuildKit's data, predicted from the rules.</summary>
public class DumpExamplesTests
{
    [Theory]
    [InlineData("FROM --platform=$BUILDPLATFORM golang:1.22 AS build", "(from [\"--platform=$BUILDPLATFORM\"] \"golang:1.22\" \"AS\" \"build\")")]
    [InlineData("RUN --mount=type=cache,target=/root/.cache/go-build --network=none go build ./...",
        "(run [\"--mount=type=cache,target=/root/.cache/go-build\" \"--network=none\"] \"go build ./...\")")]
    [InlineData("LABEL \"com.example.vendor\"=\"ACME Incorporated\" version=1.0",
        "(label \"\\\"com.example.vendor\\\"\" \"\\\"ACME Incorporated\\\"\" \"=\" \"version\" \"1.0\" \"=\")")]
    [InlineData("copy --from=build --chown=\"app user\" /out /app", "(copy [\"--from=build\" \"--chown=app user\"] \"/out\" \"/app\")")]
    [InlineData("MAINTAINER Jane Doe <jane@example.com>", "(maintainer \"Jane Doe <jane@example.com>\")")]
    [InlineData("SHELL [\"/bin/bash\", \"-c\"]", "(shell \"/bin/bash\" \"-c\")")]
    [InlineData("HEALTHCHECK NONE", "(healthcheck \"NONE\")")]
    [InlineData("FOO bar baz", "(foo \"\")")]
    [InlineData("RUN [\"a\",]", "(run \"[\\\"a\\\",]\")")]
    [InlineData("RUN <<EOF\necho hi\nEOF\n", "(run \"<<EOF\")")]
    [InlineData("COPY <<A /x\nbody\nA", "(copy \"<<A\" \"/x\")")]
    [InlineData("ONBUILD RUN --mount=type=secret,id=x cat /run/secrets/x", "(onbuild (run [\"--mount=type=secret,id=x\"] \"cat /run/secrets/x\"))")]
    [InlineData("CMD []", "(cmd)")]
    [InlineData("CMD [\"\"]", "(cmd \"\")")]
    [InlineData("ENV A=1\tB=\"x y\"", "(env \"A\" \"1\" \"=\" \"B\" \"\\\"x y\\\"\" \"=\")")]
    [InlineData("ARG abc=\"123 456\" def", "(arg \"abc=\\\"123 456\\\"\" \"def\")")]
    [InlineData("RUN echo \u00a0\u200b\U0001F600 \x01\x7f", "(run \"echo \\u00a0\\u200b\U0001F600 \\x01\\x7f\")")]
    [InlineData("COPY -- --foo /tmp/", "(copy \"--foo\" \"/tmp/\")")]
    [InlineData("RUN --a=\"b c\" --d='e\\' f' x", "(run [\"--a=b c\" \"--d=e' f\"] \"x\")")]
    public void Line_dumps_as_predicted(string dockerfile, string expected)
    {
        var syntax = DockerfileParser.ParseSyntax(dockerfile);
        Assert.DoesNotContain(syntax.Diagnostics, d => d.IsError);
        Assert.Equal(expected + "\n", AstDumper.Dump(syntax));
    }

    [Fact]
    public void Json_array_with_non_strings_is_a_parse_error_pointing_at_the_element()
    {
        var syntax = DockerfileParser.ParseSyntax("FROM a\nCMD [1, \"x\"]");
        var error = Assert.Single(syntax.Diagnostics);
        Assert.Equal("json-non-string", error.Code);
        Assert.Equal((2, 6), (error.Span.Start.Line, error.Span.Start.Column));
    }
}
