using Build.Engine.Frontend;
using Build.Engine.Graph;
using static Build.Engine.Tests.Frontend.FrontendTestHelpers;
using Build.Engine.Oci;

namespace Build.Engine.Tests.Frontend;

public class OnBuildTests
{
    private sealed class FakeImages(Dictionary<string, ImageConfigState> images) : IImageConfigResolver
    {
        public List<string> Requests { get; } = [];

        public ValueTask<ImageConfigState?> ResolveAsync(string reference, string platform, CancellationToken cancellationToken)
        {
            Requests.Add(reference + " " + platform);
            return ValueTask.FromResult(images.TryGetValue(reference, out var config) ? config : null);
        }
    }

    [Fact]
    public void Triggers_of_a_base_stage_run_right_after_from_and_not_in_grandchildren()
    {
        var graph = GraphOf(TestCase("onbuild"));
        var parent = graph.GetStage(0);
        var child = graph.GetStage(1);
        var grandchild = graph.GetStage(2);

        Assert.Equal(["RUN echo triggered > /onbuild.txt", "ENV TRIGGERED=yes"], parent.FinalConfig.OnBuild);
        Assert.True(child.Steps[0].FromOnBuild);
        Assert.True(child.Steps[1].FromOnBuild);
        Assert.Equal(["/bin/sh", "-c", "echo triggered > /onbuild.txt"], ((ExecOp)child.Steps[0].Op).Args);
        Assert.Equal(child.Location, child.Steps[0].Location);
        Assert.Equal("[child 1/3] ONBUILD RUN echo triggered > /onbuild.txt", child.Steps[0].Description);
        Assert.Equal("yes", ((ExecOp)child.Steps[2].Op).Env("TRIGGERED"));
        Assert.Empty(child.FinalConfig.OnBuild);
        Assert.DoesNotContain(grandchild.Steps, s => s.FromOnBuild);
    }

    [Fact]
    public async Task Image_triggers_are_injected_and_can_add_stage_dependencies()
    {
        var images = new FakeImages(new()
        {
            ["docker.io/library/base:latest"] = ImageConfigState.Empty with
            {
                Env = ValueList<KeyValue>.Empty.Add(new KeyValue("PATH", "/usr/bin")).Add(new KeyValue("HOME", "/root")),
                WorkingDir = "/srv",
                Shell = ValueList<string>.Empty.Add("/bin/bash").Add("-c"),
                OnBuild = ValueList<string>.Empty.Add("COPY --from=helper /tool /tool").Add("RUN echo $HOME"),
            },
        });
        const string df = """
            FROM busybox AS helper
            RUN build-tool
            FROM busybox AS unrelated
            RUN nothing
            FROM base
            ENV X=$HOME
            RUN use tool
            """;
        var result = await DockerfileFrontend.BuildAsync(df, "Dockerfile", new FrontendOptions { ImageConfigs = images }, CancellationToken.None);
        var graph = result.GetGraphOrThrow();
        Assert.Equal([0, 2], graph.Stages.Select(s => s.Index));
        var target = graph.Target;
        var copy = Assert.IsType<CopyOp>(target.Steps[0].Op);
        Assert.Equal(SourceRef.Stage(0), copy.From);
        Assert.Equal("/tool", copy.Destination);
        var trigger = Assert.IsType<ExecOp>(target.Steps[1].Op);
        Assert.Equal(["/bin/bash", "-c", "echo $HOME"], trigger.Args);
        Assert.Equal("/srv", trigger.WorkingDir);
        Assert.Equal("/root", target.FinalConfig.GetEnv("X"));
        Assert.Equal("/usr/bin", target.FinalConfig.GetEnv("PATH"));
        Assert.Empty(target.FinalConfig.OnBuild);
        Assert.Contains("docker.io/library/base:latest linux/amd64", images.Requests);
        Assert.Equal(2, images.Requests.Count); // base, then busybox for the helper stage the trigger made reachable
    }

    [Fact]
    public async Task Invalid_image_trigger_is_a_diagnostic_at_the_from_line()
    {
        var images = new FakeImages(new()
        {
            ["docker.io/library/bad:latest"] = ImageConfigState.Empty with { OnBuild = ValueList<string>.Empty.Add("FROM busybox") },
        });
        var result = await DockerfileFrontend.BuildAsync("# comment\nFROM bad\nRUN x", "Dockerfile", new FrontendOptions { ImageConfigs = images }, CancellationToken.None);
        var error = Assert.Single(result.Errors);
        Assert.Equal(FrontendDiagnosticCodes.InvalidOnBuildTrigger, error.Code);
        Assert.Equal(2, error.Location!.Line);
    }
}
