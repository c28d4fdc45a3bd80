using System.Text.Json;

namespace Build.Cli.Tests;

public sealed class ParseGraphCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("builder-graph-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private string Write(string text)
    {
        var path = Path.Combine(_dir, "Dockerfile");
        File.WriteAllText(path, text);
        return path;
    }

    private const string MultiStage = """
        FROM busybox AS build
        ARG V=1
        RUN make $V
        FROM busybox AS unused
        RUN nothing
        FROM scratch
        COPY --from=build /out /out
        CMD ["/out"]
        """;

    [Fact]
    public void Text_lists_needed_stages_and_dependencies()
    {
        var (code, stdout, stderr) = Run("parse", "--graph", "-f", Write(MultiStage));
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Contains("target: stage-2 (stage 2)", stdout, StringComparison.Ordinal);
        Assert.Contains("stage 0 build: FROM docker.io/library/busybox:latest", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("unused", stdout, StringComparison.Ordinal);
        Assert.Contains("[stage-2 1/1] COPY --from=build /out /out  @7:1  after s0.1", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_carries_ops_dependencies_and_build_args()
    {
        var (code, stdout, _) = Run("parse", "--graph", "--format", "json", "--build-arg", "V=2", "--target", "build", Write(MultiStage));
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal("build", root.GetProperty("target").GetString());
        Assert.Equal("2", root.GetProperty("buildArgs").GetProperty("V").GetString());
        var stage = Assert.Single(root.GetProperty("stages").EnumerateArray());
        var run = stage.GetProperty("vertices")[1];
        Assert.Equal("exec", run.GetProperty("kind").GetString());
        Assert.Equal(["s0.0"], run.GetProperty("dependsOn").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("RUN |1 V=2 /bin/sh -c make $V # buildkit", run.GetProperty("createdBy").GetString());
        Assert.Contains("V=2", run.GetProperty("op").GetProperty("env").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("[build 2/2] RUN make 2", run.GetProperty("description").GetString());
    }

    [Fact]
    public void Unknown_target_fails_with_one_line()
    {
        var (code, stdout, stderr) = Run("parse", "--graph", "--target", "nope", Write(MultiStage));
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Equal("error: Target stage \"nope\" could not be found; stages: build, unused.", stderr.Trim());
    }

    [Fact]
    public void Semantic_error_names_file_line_and_column()
    {
        var path = Write("FROM scratch\nCOPY --from=later /a /a\nFROM scratch AS later\n");
        var (code, _, stderr) = Run("parse", "--graph", path);
        Assert.Equal(1, code);
        Assert.StartsWith(path + ":2:1: COPY --from=later refers to stage \"later\"", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_reports_diagnostics_when_there_is_no_graph()
    {
        var (code, stdout, _) = Run("parse", "--graph", "--format", "json", Write("ARG X=1\n"));
        Assert.Equal(1, code);
        using var doc = JsonDocument.Parse(stdout);
        var diagnostic = Assert.Single(doc.RootElement.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("no-stages", diagnostic.GetProperty("code").GetString());
    }

    [Fact]
    public void Bad_format_is_a_usage_error()
    {
        var (code, _, stderr) = Run("parse", "--graph", "--format", "yaml", Write(MultiStage));
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("yaml", stderr, StringComparison.Ordinal);
    }
}
