using Build.Engine.Frontend;
using Build.Engine.Graph;
using Build.Engine.Oci;

namespace Build.Engine.Tests.Frontend;

internal static class FrontendTestHelpers
{
    public static FrontendResult Convert(string dockerfile, FrontendOptions? options = null) =>
        DockerfileFrontend.Build(dockerfile, "Dockerfile", options ?? new FrontendOptions());

    public static BuildGraph GraphOf(string dockerfile, FrontendOptions? options = null)
    {
        var result = Convert(dockerfile, options);
        Assert.True(result.Succeeded, "expected a graph, got: " + string.Join(" | ", result.Diagnostics));
        return result.Graph!;
    }

    public static FrontendDiagnostic Error(string dockerfile, FrontendOptions? options = null)
    {
        var result = Convert(dockerfile, options);
        Assert.False(result.Succeeded, "expected an error");
        return result.Errors.First();
    }

    public static FrontendOptions Args(params string[] pairs) => new()
    {
        BuildArgs = pairs.Select(p => p.Split('=', 2)).Select(p => new KeyValue(p[0], p[1])).ToValueList(),
    };

    public static IEnumerable<T> Ops<T>(this Stage stage) where T : Op => stage.Steps.Select(s => s.Op).OfType<T>();

    public static T Op<T>(this Stage stage, int n = 0) where T : Op => stage.Ops<T>().ElementAt(n);

    public static string? Env(this ExecOp op, string key) => op.Env.LastOrDefault(e => e.Key == key)?.Value;

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Builder.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Builder.sln not found above " + AppContext.BaseDirectory);
    }

    public static string TestCase(string name) =>
        File.ReadAllText(Path.Combine(RepoRoot(), "testdata", "dockerfiles", name, "Dockerfile"));
}
