using Build.Engine.Graph;
using Build.Engine.Oci;

namespace Build.Engine.Tests.Graph;

public class GraphModelTests
{
    private static ValueList<string> L(params string[] items) => items.ToValueList();

    [Fact]
    public void ValueList_compares_by_content()
    {
        Assert.Equal(L("a", "b"), L("a", "b"));
        Assert.NotEqual(L("a", "b"), L("b", "a"));
        Assert.Equal(L("a", "b").GetHashCode(), L("a", "b").GetHashCode());
        Assert.Equal(L(), ValueList<string>.Empty);
    }

    [Fact]
    public void Identical_ops_are_equal_so_steps_can_be_deduplicated()
    {
        ExecOp Make(string cmd) => new(
            L("/bin/sh", "-c", cmd),
            ValueList<KeyValue>.Empty.Add(new KeyValue("PATH", "/bin")),
            "",
            "/",
            NetworkMode.Default,
            SecurityMode.Sandbox,
            ValueList<Mount>.Empty.Add(new CacheMount("/c", "/c", CacheSharing.Shared, false, SourceRef.Scratch, "/", 0x1ED, 0, 0)),
            ValueList<KeyValue>.Empty);
        Assert.Equal(Make("make"), Make("make"));
        Assert.Equal(Make("make").GetHashCode(), Make("make").GetHashCode());
        Assert.NotEqual(Make("make"), Make("make test"));
    }

    [Fact]
    public void Env_replaces_in_place_and_appends_new_names()
    {
        var state = ImageConfigState.Scratch;
        state = new EnvOp(ValueList<KeyValue>.Empty.Add(new KeyValue("A", "1")).Add(new KeyValue("PATH", "/x"))).Apply(state);
        Assert.Equal(["PATH=/x", "A=1"], state.Env.Select(e => e.ToString()));
    }

    [Fact]
    public void Labels_ports_and_volumes_are_unique_and_sorted()
    {
        var state = ImageConfigState.Empty;
        state = new LabelOp(ValueList<KeyValue>.Empty.Add(new KeyValue("z", "1")).Add(new KeyValue("a", "2"))).Apply(state);
        state = new LabelOp(ValueList<KeyValue>.Empty.Add(new KeyValue("z", "3"))).Apply(state);
        state = new ExposeOp(L("80/tcp", "443/tcp")).Apply(state);
        state = new ExposeOp(L("80/tcp", "53/udp")).Apply(state);
        state = new VolumeOp(L("/data", "/a")).Apply(state);
        Assert.Equal(["a=2", "z=3"], state.Labels.Select(e => e.ToString()));
        Assert.Equal(["443/tcp", "53/udp", "80/tcp"], state.ExposedPorts);
        Assert.Equal(["/a", "/data"], state.Volumes);
    }

    [Fact]
    public void Entrypoint_resets_an_inherited_cmd_only_when_asked()
    {
        var based = ImageConfigState.Empty with { Cmd = L("base") };
        Assert.Null(new EntrypointOp(L("/bin/echo"), ResetCmd: true).Apply(based).Cmd);
        Assert.Equal(L("base"), new EntrypointOp(L("/bin/echo"), ResetCmd: false).Apply(based).Cmd);
    }

    [Fact]
    public void Default_path_is_added_only_when_missing()
    {
        Assert.Equal(ImageConfigState.DefaultPath, ImageConfigState.Empty.WithDefaultPath().GetEnv("PATH"));
        var custom = ImageConfigState.Empty.WithEnv("PATH", "/only");
        Assert.Equal("/only", custom.WithDefaultPath().GetEnv("PATH"));
    }

    [Fact]
    public void Stage_final_config_folds_its_steps()
    {
        var loc = new SourceLocation("Dockerfile", 1, 1);
        var steps = ValueList<Vertex>.Empty
            .Add(new Vertex("s0.0", 0, "USER app", loc, new UserOp("app"), null, false))
            .Add(new Vertex("s0.1", 0, "WORKDIR /w", loc, new WorkdirOp("/w", "app", true), null, false))
            .Add(new Vertex("s0.2", 0, "ONBUILD RUN x", loc, new OnBuildOp("RUN x"), null, false));
        var stage = new Stage(0, null, SourceRef.Scratch, "linux/amd64", loc, "FROM scratch", ImageConfigState.Scratch, steps);
        var final = stage.FinalConfig;
        Assert.Equal("app", final.User);
        Assert.Equal("/w", final.WorkingDir);
        Assert.Equal(["RUN x"], final.OnBuild);
        Assert.True(steps[1].Op.ChangesFilesystem);
        Assert.False(steps[0].Op.ChangesFilesystem);
    }

    [Fact]
    public void Graph_dependencies_follow_the_stage_chain_and_copy_sources()
    {
        var loc = new SourceLocation("Dockerfile", 1, 1);
        Vertex V(string id, int stage, Op op) => new(id, stage, id, loc, op, null, false);
        var copy = new CopyOp(SourceRef.Stage(0), L("/out"), L(), L(), ValueList<InlineFile>.Empty, "/", null, null,
            false, false, L(), false, false, false, null, false);
        var s0 = new Stage(0, "build", SourceRef.Image("docker.io/library/busybox:latest"), "linux/amd64", loc, "FROM busybox",
            ImageConfigState.Empty, ValueList<Vertex>.Empty.Add(V("s0.0", 0, new UserOp("x"))).Add(V("s0.1", 0, new UserOp("y"))));
        var s1 = new Stage(1, null, SourceRef.Scratch, "linux/amd64", loc, "FROM scratch", ImageConfigState.Scratch,
            ValueList<Vertex>.Empty.Add(V("s1.0", 1, copy)));
        var graph = new BuildGraph(ValueList<Stage>.Empty.Add(s0).Add(s1), 1, "linux/amd64", "linux/amd64", ValueList<KeyValue>.Empty);
        Assert.Equal(["s0.1"], graph.DependenciesOf(s1.Steps[0]));
        Assert.Equal(["s0.0"], graph.DependenciesOf(s0.Steps[1]));
        Assert.Equal([0], s1.StageDependencies);
        Assert.Same(s1, graph.Target);
    }

    [Fact]
    public void Config_state_round_trips_through_the_oci_config_keeping_other_fields()
    {
        var image = new Build.Engine.Oci.ImageConfig
        {
            Architecture = "amd64",
            OS = "linux",
            Author = "base author",
            Config = new Build.Engine.Oci.ContainerConfig
            {
                Env = ["PATH=/bin", "EMPTY="],
                Cmd = ["sh"],
                Labels = new Dictionary<string, string> { ["b"] = "1", ["a"] = "2" },
                OnBuild = ["RUN x"],
                Healthcheck = new Build.Engine.Oci.HealthConfig { Test = ["CMD", "true"], Interval = TimeSpan.FromSeconds(30) },
            },
        };
        var state = image.ToConfigState();
        Assert.Equal("/bin", state.GetEnv("PATH"));
        Assert.Equal("", state.GetEnv("EMPTY"));
        Assert.Equal(["a=2", "b=1"], state.Labels.Select(l => l.ToString()));
        Assert.Equal(30_000_000_000L, state.Healthcheck!.IntervalNanoseconds);
        Assert.Equal(["RUN x"], state.OnBuild);

        var changed = new EntrypointOp(L("/app"), ResetCmd: true).Apply(state with { OnBuild = ValueList<string>.Empty });
        var result = image.WithConfigState(changed);
        Assert.Equal("amd64", result.Architecture);
        Assert.Equal("base author", result.Author);
        Assert.Null(result.Config!.Cmd);
        Assert.Null(result.Config.OnBuild);
        Assert.Equal(["/app"], result.Config.Entrypoint);
        Assert.Equal(["PATH=/bin", "EMPTY="], result.Config.Env);
        Assert.Equal(TimeSpan.FromSeconds(30), result.Config.Healthcheck!.Interval);
        Assert.Equal(result.ToConfigState(), changed);
    }
}
