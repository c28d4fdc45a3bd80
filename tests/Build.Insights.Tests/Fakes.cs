using Build.Insights.Reports;

namespace Build.Insights.Tests;

/// <summary>Hand-made replay records: steps by line, hit or miss, with the causes the engine would record.</summary>
internal static class Fakes
{
    public static ReplayStep Hit(string id, string instruction, int line, double ms, double savedMs) =>
        new(id, instruction, line, "hit", ms, savedMs, 0, 0, 0, []);

    public static ReplayStep Miss(string id, string instruction, int line, double ms, params ReplayChange[] changes) =>
        new(id, instruction, line, "miss", ms, 0, 0, 0, 100, changes);

    public static ReplayChange File(string path) => new("FileChanged", path, $"file {path} changed");

    public static ReplayChange Parent() => new("ParentChanged", "parent", "the previous step changed");

    public static ReplayChange First() => new("NoPreviousRecord", "", "no earlier build of this step in the cache");

    public static ReplayChange Arg(string name) => new("ArgChanged", name, $"ARG {name} changed");

    public static ReplayBuild Commit(int n, IReadOnlyList<string> changed, double wallMs, params ReplayStep[] steps) =>
        ReportAnalyzer.Build(n, $"{n:x4}000000000000000000000000000000000000", $"commit {n}", changed, wallMs, steps, null);

    public static ReplayRun Run(params ReplayBuild[] builds) => ReportAnalyzer.Summarize("Dockerfile", fresh: true, builds, noCacheMeasured: false);
}
