using Build.Engine.Errors;
using Build.Engine.Frontend;
using static Build.Engine.Tests.Frontend.FrontendTestHelpers;

namespace Build.Engine.Tests.Frontend;

public class DiagnosticsTests
{
    [Theory]
    [InlineData("FROM scratch AS a|RUN x|FROM scratch AS A", FrontendDiagnosticCodes.DuplicateStageName, 3, "already used by the stage at line 1")]
    [InlineData("ARG X=1", FrontendDiagnosticCodes.NoStages, 1, "no FROM")]
    [InlineData("# only a comment|ARG X=1|LABEL a=b", FrontendDiagnosticCodes.InstructionBeforeFrom, 3, "LABEL comes before the first FROM")]
    [InlineData("FROM scratch|COPY --from=later /a /a|FROM scratch AS later", FrontendDiagnosticCodes.StageNotDefinedBefore, 2, "must be defined before")]
    [InlineData("FROM scratch AS me|COPY --from=me /a /a", FrontendDiagnosticCodes.StageNotDefinedBefore, 2, "cannot depend on itself")]
    [InlineData("FROM scratch|COPY --from=1 /a /a|FROM scratch", FrontendDiagnosticCodes.StageNotDefinedBefore, 2, "must be defined before")]
    [InlineData("FROM scratch|COPY --from=7 /a /a", FrontendDiagnosticCodes.UnknownStage, 2, "no stage with index 7")]
    [InlineData("FROM scratch|COPY --from=Not:A:Ref /a /a", FrontendDiagnosticCodes.UnknownStage, 2, "neither an earlier stage nor a valid image reference")]
    [InlineData("FROM scratch|RUN --mount=from=nostage!,target=/x x", FrontendDiagnosticCodes.UnknownStage, 2, "RUN --mount from=nostage!")]
    [InlineData("ARG S=a|FROM scratch AS a|FROM scratch|COPY --from=$S /a /a", FrontendDiagnosticCodes.VariableInFrom, 4, "variables are not expanded in --from")]
    [InlineData("FROM scratch|ENV A=\"${X:?X is required}\"", FrontendDiagnosticCodes.ExpansionError, 2, "X is required")]
    [InlineData("FROM scratch|ARG X|WORKDIR ${X:?set X}", FrontendDiagnosticCodes.ExpansionError, 3, "set X")]
    [InlineData("ARG E|FROM $E", FrontendDiagnosticCodes.InvalidBaseImage, 2, "expands to an empty string")]
    [InlineData("FROM Alpine", FrontendDiagnosticCodes.InvalidBaseImage, 1, "Invalid base image \"Alpine\"")]
    [InlineData("FROM --platform=linux//x scratch", FrontendDiagnosticCodes.InvalidPlatform, 1, "Invalid FROM --platform")]
    [InlineData("FROM scratch|ARG U=abc|RUN --mount=type=cache,target=/c,uid=$U x", FrontendDiagnosticCodes.InvalidMountOption, 3, "uid=\"abc\"")]
    [InlineData("FROM scratch|WORKDIR /w|RUN --mount=type=bind,target=.. x", FrontendDiagnosticCodes.InvalidMountOption, 3, "cannot mount over /")]
    [InlineData("FROM scratch|EXPOSE 80/foo", FrontendDiagnosticCodes.InvalidArguments, 2, "invalid proto: foo")]
    [InlineData("FROM scratch|STOPSIGNAL SIGNOPE", FrontendDiagnosticCodes.InvalidArguments, 2, "Invalid STOPSIGNAL")]
    [InlineData("FROM scratch|ARG V|VOLUME $V", FrontendDiagnosticCodes.InvalidArguments, 3, "VOLUME paths cannot be empty")]
    [InlineData("FROM scratch|ARG M=888|COPY --chmod=$M a /a", FrontendDiagnosticCodes.InvalidArguments, 3, "--chmod")]
    [InlineData("FROM scratch|COPY https://example.com/x /x", FrontendDiagnosticCodes.InvalidArguments, 2, "use ADD")]
    [InlineData("FROM scratch|ADD --checksum=sha256:abc https://example.com/x /x", FrontendDiagnosticCodes.InvalidArguments, 2, "--checksum")]
    [InlineData("FROM scratch|ADD --checksum=sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 local.txt /x", FrontendDiagnosticCodes.InvalidArguments, 2, "HTTP(S) or Git source")]
    public void Semantic_errors_name_the_line(string dockerfile, string code, int line, string fragment)
    {
        var error = Error(dockerfile.Replace('|', '\n'));
        Assert.Equal(code, error.Code);
        Assert.Equal(line, error.Location!.Line);
        Assert.Equal(1, error.Location.Column);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"Dockerfile:{line}:1: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parser_errors_are_carried_over_with_their_position()
    {
        var error = Error("FROM scratch\nCMD [\"echo\", 1]");
        Assert.Equal(2, error.Location!.Line);
        var stageName = Error("FROM scratch AS 1bad");
        Assert.Equal(1, stageName.Location!.Line);
        Assert.Contains("build stage", stageName.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Unknown_target_suggests_a_stage()
    {
        var error = Error("FROM scratch AS build\nFROM scratch AS release", new FrontendOptions { Target = "relase" });
        Assert.Equal(FrontendDiagnosticCodes.UnknownTarget, error.Code);
        Assert.Null(error.Location);
        Assert.Contains("did you mean \"release\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_platform_options_are_diagnostics()
    {
        var error = Error("FROM scratch", new FrontendOptions { TargetPlatform = "not/a/valid/platform" });
        Assert.Equal(FrontendDiagnosticCodes.InvalidPlatform, error.Code);
    }

    [Fact]
    public void Reserved_stage_names_only_warn()
    {
        var result = Convert("FROM scratch AS context\nRUN x");
        Assert.True(result.Succeeded);
        Assert.Contains(result.Warnings, w => w.Code == FrontendDiagnosticCodes.ReservedStageName && w.Location!.Line == 1);
    }

    [Fact]
    public void Errors_stop_the_graph_and_convert_to_a_build_exception()
    {
        var result = Convert("FROM scratch\nCOPY --from=nope!! /a /b");
        Assert.Null(result.Graph);
        var e = Assert.Throws<BuildException>(() => result.GetGraphOrThrow());
        Assert.Equal(ErrorCode.InvalidDockerfile, e.Code);
        Assert.StartsWith("Dockerfile:2:1: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_in_unreachable_stages_still_count_for_from_references()
    {
        // BuildKit builds the dependency graph of every stage before pruning, so a bad --from anywhere fails.
        var error = Error("FROM scratch AS unused\nCOPY --from=unused /a /a\nFROM scratch\nRUN x", new FrontendOptions());
        Assert.Equal(2, error.Location!.Line);
    }
}
