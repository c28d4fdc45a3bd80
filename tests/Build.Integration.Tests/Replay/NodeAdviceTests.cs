using Build.Engine;
using Build.Engine.Content;
using Build.Insights;
using Build.Insights.Advice;
using Build.Insights.Replay;
using Build.Insights.Reports;
using Build.Integration.Tests.Support;

namespace Build.Integration.Tests.Replay;

/// <summary>One replay of the 20-commit Node-style history with --apply-to, shared by the tests below.</summary>
public sealed class NodeReplay : IDisposable
{
    private readonly HistoryRoot history = new();
    private readonly Lazy<Task<ReplayReport>> report;

    public NodeReplay()
    {
        report = new Lazy<Task<ReplayReport>>(async () =>
        {
            await history.EnsureAsync();
            string repo = history.Generate("node-app", 20);
            AdvisedPath = history.Combine("advised", "Dockerfile.advised");
            var replayer = new CacheReplayer(new BuilderRoot(history.Root), TimeProvider.System, _ => null);
            return await ReplaySession.RunAsync(replayer, new ReplayOptions { Repository = repo, Commits = 20 }, AdvisedPath, TimeProvider.System, null, CancellationToken.None);
        });
    }

    public string AdvisedPath { get; private set; } = "";

    public Task<ReplayReport> ReportAsync() => report.Value;

    public void Dispose() => history.Dispose();
}

public sealed class NodeAdviceTests(NodeReplay node) : IClassFixture<NodeReplay>
{
    [RootFact]
    public async Task Advice_copies_the_dependency_manifests_first_and_the_rewritten_file_raises_the_hit_ratio()
    {
        var report = await node.ReportAsync();
        var split = Assert.Single(report.Advice, a => a.Kind == SuggestionKind.DependencyManifests);
        Assert.Equal([3, 4], split.Lines);
        Assert.True(split.MissesAvoided >= 15, $"{split.MissesAvoided} misses avoided");

        string rewritten = await File.ReadAllTextAsync(node.AdvisedPath);
        int manifests = rewritten.IndexOf("COPY package-lock.json package.json ./", StringComparison.Ordinal);
        int install = rewritten.IndexOf("npm ci", StringComparison.Ordinal);
        int source = rewritten.IndexOf("COPY src/ ./src/", StringComparison.Ordinal);
        Assert.True(manifests >= 0 && manifests < install && install < source, rewritten);

        var advised = Assert.IsType<ReplayRun>(report.Advised);
        Assert.Equal(node.AdvisedPath, advised.Dockerfile);
        Assert.Equal(0, advised.Summary.FailedBuilds);
        Assert.True(advised.Summary.HitRatio > report.Original.Summary.HitRatio + 0.15,
            $"hit ratio {report.Original.Summary.HitRatio:P1} → {advised.Summary.HitRatio:P1}");
    }

    [RootFact]
    public async Task In_the_advised_replay_npm_ci_reruns_only_when_the_manifests_change()
    {
        var report = await node.ReportAsync();
        var advised = report.Advised!;
        foreach (var b in advised.Builds.Skip(1))
        {
            var ci = b.Steps.Single(s => s.Instruction.Contains("npm ci", StringComparison.Ordinal));
            bool manifestsChanged = b.ChangedFiles.Any(f => f is "package.json" or "package-lock.json");
            Assert.True(ci.IsMiss == manifestsChanged, $"build {b.Number} ({string.Join(", ", b.ChangedFiles)}): npm ci {ci.Result}");
        }
        // And in the original, it re-ran every time.
        Assert.All(report.Original.Builds, b => Assert.True(b.Steps.Single(s => s.Instruction == "RUN npm ci").IsMiss));
    }

    [RootFact]
    public async Task The_reports_numbers_add_up()
    {
        var report = await node.ReportAsync();
        foreach (var run in new[] { report.Original, report.Advised! })
        {
            foreach (var b in run.Builds)
            {
                Assert.Equal(b.Steps.Sum(s => s.DurationMs), b.StepsMs, 6);
                Assert.Equal(b.WallMs, b.StepsMs + b.OtherMs, 6);
                Assert.True(b.OtherMs >= 0, $"build {b.Number}: steps {b.StepsMs} ms exceed the wall time {b.WallMs} ms of a one-stage build");
                Assert.Equal(b.Steps.Count(s => s.IsHit), b.Hits);
                Assert.Equal(b.Steps.Count(s => s.IsMiss), b.Misses);
            }
            var s = run.Summary;
            Assert.Equal(run.Builds.Sum(b => b.WallMs), s.TotalMs, 6);
            Assert.Equal(run.Builds.Sum(b => b.NoCacheMs), s.NoCacheMs, 6);
            Assert.Equal(run.Builds.Sum(b => b.Hits), s.Hits);
            Assert.Equal(run.Builds.Sum(b => b.Misses), s.Misses);
            Assert.Equal((double)s.Hits / (s.Hits + s.Misses), s.HitRatio, 9);
            Assert.Equal(20, s.Builds);
        }
    }
}
