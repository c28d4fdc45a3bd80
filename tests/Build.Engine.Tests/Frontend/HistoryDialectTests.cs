using Build.Engine.Frontend;
using Build.Engine.Graph;
using Build.Engine.Oci;
using static Build.Engine.Tests.Frontend.FrontendTestHelpers;

namespace Build.Engine.Tests.Frontend;

/// <summary>
/// History text per dialect. The Docker20 expectations were recorded from docker 20.10.24 (its bundled BuildKit)
/// building these exact Dockerfiles on this machine; the BuildKit ones follow current dockerfile2llb.
/// </summary>
public class HistoryDialectTests
{
    private const string Metadata = """
        FROM scratch AS base
        CMD ["base"]
        FROM base
        ARG V=1
        ARG W
        ENV A=x B="y z"
        LABEL z=1 a="b c"
        MAINTAINER Jane <j@x>
        EXPOSE 80 53/udp 8000-8001
        VOLUME /data /logs
        WORKDIR /w
        WORKDIR sub
        WORKDIR /
        COPY --chmod=640 a.txt /x/
        COPY a.txt rel.txt
        USER app:app
        STOPSIGNAL SIGINT
        HEALTHCHECK --interval=30s --timeout=3s CMD wget -q http://x/ || exit 1
        SHELL ["/bin/sh", "-ec"]
        ENTRYPOINT ["/bin/echo", "a \"q\""]
        ONBUILD RUN echo hi
        """;

    private const string Runs = """
        ARG G=glob
        FROM busybox AS b1
        ARG V=1
        ARG W
        ARG G
        ENV V=env
        RUN echo $V $G > /x
        RUN --mount=type=cache,target=/c echo cached
        COPY --chown=1:2 --chmod=600 a.txt /a
        FROM b1
        ENV Z=$V
        RUN ["echo", "exec"]
        ENTRYPOINT echo hi
        CMD echo there
        """;

    private static List<string> History(string dockerfile, HistoryDialect dialect, params string[] buildArgs) =>
        GraphOf(dockerfile, Args(buildArgs) with { HistoryDialect = dialect }).Stages
            .SelectMany(s => s.Steps).Select(v => v.History).OfType<StepHistory>()
            .Select(h => (h.EmptyLayer ? "empty " : "layer ") + h.CreatedBy).ToList();

    [Fact]
    public void Docker20_metadata_history_matches_docker_20_10()
    {
        Assert.Equal(
            [
                "empty CMD [\"base\"]",
                "empty ARG V=1",
                "empty ARG W",
                "empty ENV A=x B=y z",
                "empty LABEL z=1 a=b c",
                "empty MAINTAINER Jane <j@x>",
                "empty EXPOSE map[53/udp:{} 80/tcp:{} 8000/tcp:{} 8001/tcp:{}]",
                "empty VOLUME [/data /logs]",
                "layer WORKDIR /w",
                "layer WORKDIR /w/sub",
                "empty WORKDIR /",
                "layer COPY a.txt /x/ # buildkit",
                "layer COPY a.txt rel.txt # buildkit",
                "empty USER app:app",
                "empty STOPSIGNAL SIGINT",
                "empty HEALTHCHECK &{[\"CMD-SHELL\" \"wget -q http://x/ || exit 1\"] \"30s\" \"3s\" \"0s\" '\\x00'}",
                "empty SHELL [/bin/sh -ec]",
                "empty ENTRYPOINT [\"/bin/echo\" \"a \\\"q\\\"\"]",
            ],
            History(Metadata, HistoryDialect.Docker20));
    }

    [Fact]
    public void Docker20_run_history_matches_docker_20_10()
    {
        Assert.Equal(
            [
                "empty ARG V=1",
                "empty ARG W",
                "empty ARG G",
                "empty ENV V=env",
                "layer RUN |3 V=env W=w G=glob /bin/sh -c echo $V $G > /x # buildkit",
                "layer RUN |3 V=env W=w G=glob /bin/sh -c echo cached # buildkit",
                "layer COPY a.txt /a # buildkit",
                "empty ENV Z=env",
                "layer RUN echo exec # buildkit",
                "empty ENTRYPOINT [\"/bin/sh\" \"-c\" \"echo hi\"]",
                "empty CMD [\"/bin/sh\" \"-c\" \"echo there\"]",
            ],
            History(Runs, HistoryDialect.Docker20, "HTTP_PROXY=http://p:1", "W=w"));
    }

    [Fact]
    public void Current_buildkit_history_shows_values_and_flags()
    {
        var history = History(Runs, HistoryDialect.BuildKit, "HTTP_PROXY=http://p:1", "W=w");
        Assert.Equal("empty ARG W=w", history[1]);
        Assert.Equal("empty ARG G=glob", history[2]);
        Assert.Equal("layer COPY --chown=1:2 --chmod=600 a.txt /a # buildkit", history[6]);
        Assert.Equal("layer RUN |3 V=env W=w G=glob echo exec # buildkit", history[8]);
        var metadata = History(Metadata, HistoryDialect.BuildKit);
        Assert.Contains("empty EXPOSE [80/tcp 53/udp 8000/tcp 8001/tcp]", metadata);
        Assert.Contains("empty HEALTHCHECK {Test:[CMD-SHELL wget -q http://x/ || exit 1] Interval:30s Timeout:3s StartPeriod:0s StartInterval:0s Retries:0}", metadata);
    }

    [Fact]
    public void Both_dialects_give_the_same_config_and_ops()
    {
        var a = GraphOf(Runs, Args("W=w"));
        var b = GraphOf(Runs, Args("W=w") with { HistoryDialect = HistoryDialect.Docker20 });
        Assert.Equal(a.Stages.Select(s => s.FinalConfig), b.Stages.Select(s => s.FinalConfig));
        Assert.Equal(a.Stages.SelectMany(s => s.Steps).Select(v => v.Op), b.Stages.SelectMany(s => s.Steps).Select(v => v.Op));
        // The final config as docker 20.10 wrote it for this Dockerfile.
        var config = a.Target.FinalConfig;
        Assert.Equal(["PATH=" + ImageConfigState.DefaultPath, "V=env", "Z=env"], config.Env.Select(e => e.ToString()));
        Assert.Equal(["/bin/sh", "-c", "echo hi"], config.Entrypoint);
        Assert.Equal(["/bin/sh", "-c", "echo there"], config.Cmd);
        Assert.True(config.ArgsEscaped);
        Assert.Equal(ValueList<string>.Empty, config.OnBuild);
    }

    [Fact]
    public void Descriptions_match_docker_progress()
    {
        var graph = GraphOf(Runs);
        Assert.Equal("[b1 1/4] FROM docker.io/library/busybox:latest", graph.GetStage(0).BaseDescription);
        Assert.Equal(
            ["[b1 2/4] RUN echo env glob > /x", "[b1 3/4] RUN --mount=type=cache,target=/c echo cached", "[b1 4/4] COPY --chown=1:2 --chmod=600 a.txt /a"],
            graph.GetStage(0).Steps.Where(v => v.Op.ChangesFilesystem).Select(v => v.Description));
        Assert.Equal("[stage-1 1/1] RUN [\"echo\", \"exec\"]", graph.GetStage(1).Steps.Single(v => v.Op is ExecOp).Description);
    }
}
