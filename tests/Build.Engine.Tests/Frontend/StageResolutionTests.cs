using Build.Engine.Frontend;
using Build.Engine.Graph;
using static Build.Engine.Tests.Frontend.FrontendTestHelpers;

namespace Build.Engine.Tests.Frontend;

public class StageResolutionTests
{
    [Fact]
    public void Target_keeps_only_the_stages_it_needs()
    {
        var df = TestCase("target-pruning");
        var release = GraphOf(df, new FrontendOptions { Target = "release" });
        Assert.Equal(["deps", "tools", "build", "release"], release.Stages.Select(s => s.Name));
        Assert.Equal("release", release.Target.Name);

        var last = GraphOf(df);
        Assert.Equal(["deps", "tools", "build", "release", "debug"], last.Stages.Select(s => s.Name));
        Assert.DoesNotContain(last.Stages, s => s.Name == "unused");

        var tools = GraphOf(df, new FrontendOptions { Target = "TOOLS" });
        Assert.Equal(["tools"], tools.Stages.Select(s => s.Name));
    }

    [Fact]
    public void Stage_indexes_survive_pruning()
    {
        var graph = GraphOf(TestCase("target-pruning"), new FrontendOptions { Target = "build" });
        var build = graph.Target;
        Assert.Equal(3, build.Index);
        Assert.Equal(SourceRef.Stage(0), build.Base);
        var mount = Assert.IsType<BindMount>(build.Op<ExecOp>().Mounts.Single());
        Assert.Equal(SourceRef.Stage(2), mount.From);
        Assert.Equal([0, 2], build.StageDependencies);
    }

    [Fact]
    public void Copy_from_resolves_names_indexes_and_images()
    {
        const string df = """
            FROM busybox AS build
            RUN make
            FROM scratch
            COPY --from=build /a /a
            COPY --from=0 /b /b
            COPY --from=BUILD /c /c
            COPY --from=nginx:1.27 /etc/nginx /etc/nginx
            COPY --from=ghcr.io/org/tool@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef /t /t
            """;
        var stage = GraphOf(df).Target;
        var froms = stage.Ops<CopyOp>().Select(c => c.From).ToList();
        Assert.Equal(SourceRef.Stage(0), froms[0]);
        Assert.Equal(SourceRef.Stage(0), froms[1]);
        Assert.Equal(SourceRef.Stage(0), froms[2]);
        Assert.Equal(SourceRef.Image("docker.io/library/nginx:1.27"), froms[3]);
        Assert.Equal(SourceKind.Image, froms[4].Kind);
        Assert.Equal(SourceRef.Context, GraphOf("FROM scratch\nCOPY a /a").Target.Op<CopyOp>().From);
    }

    [Fact]
    public void From_an_earlier_stage_inherits_config_and_env()
    {
        const string df = """
            FROM busybox AS base
            ENV A=1
            WORKDIR /app
            USER app
            FROM base
            RUN x
            """;
        var graph = GraphOf(df);
        var run = graph.Target.Op<ExecOp>();
        Assert.Equal("1", run.Env("A"));
        Assert.Equal("/app", run.WorkingDir);
        Assert.Equal("app", run.User);
        Assert.Equal(SourceRef.Stage(0), graph.Target.Base);
        Assert.Equal("FROM base", graph.Target.BaseDescription);
    }

    [Fact]
    public void From_a_stage_index_is_an_image_name_as_in_buildkit()
    {
        var graph = GraphOf("FROM busybox\nFROM 0\nRUN x");
        Assert.Equal(SourceRef.Image("docker.io/library/0:latest"), graph.Target.Base);
        Assert.Single(graph.Stages);
    }

    [Fact]
    public void Scratch_starts_with_path_and_root_workdir()
    {
        var graph = GraphOf("FROM scratch\nRUN x");
        var run = graph.Target.Op<ExecOp>();
        Assert.Equal(ImageConfigState.DefaultPath, run.Env("PATH"));
        Assert.Equal("/", run.WorkingDir);
        Assert.Equal(SourceRef.Scratch, graph.Target.Base);
    }

    [Fact]
    public void Descriptions_follow_buildkit_numbering()
    {
        const string df = """
            FROM busybox AS build
            ENV V=1
            WORKDIR /src
            COPY . .
            RUN make $V
            FROM scratch
            COPY --from=build /src/out /out
            """;
        var graph = GraphOf(df);
        var build = graph.GetStage(0);
        Assert.Equal("[build 1/4] FROM docker.io/library/busybox:latest", build.BaseDescription);
        Assert.Equal(
            ["ENV V=1", "[build 2/4] WORKDIR /src", "[build 3/4] COPY . .", "[build 4/4] RUN make 1"],
            build.Steps.Select(s => s.Description));
        Assert.Equal("[stage-1 1/1] COPY --from=build /src/out /out", graph.Target.Steps.Single().Description);

        var single = GraphOf("FROM busybox\nRUN a\nRUN b");
        Assert.Equal(["[2/3] RUN a", "[3/3] RUN b"], single.Target.Steps.Select(s => s.Description));
    }

    [Fact]
    public void Counter_width_follows_the_total()
    {
        var df = "FROM scratch\n" + string.Concat(Enumerable.Range(1, 10).Select(i => $"RUN step{i}\n"));
        var steps = GraphOf(df).Target.Steps;
        Assert.Equal("[ 1/10] RUN step1", steps[0].Description);
        Assert.Equal("[10/10] RUN step10", steps[9].Description);
    }

    [Fact]
    public void Vertex_ids_and_dependencies()
    {
        var graph = GraphOf(TestCase("multi-stage"));
        var final = graph.Target;
        Assert.Equal(2, final.Index);
        var firstCopy = final.Steps[0];
        Assert.Equal("s2.0", firstCopy.Id);
        Assert.Equal([graph.LastVertexId(0)!], graph.DependenciesOf(firstCopy));
        Assert.Equal(["s2.0", graph.LastVertexId(0)!], graph.DependenciesOf(final.Steps[1]));
        Assert.DoesNotContain(graph.Stages, s => s.Name == "test");
    }
}
