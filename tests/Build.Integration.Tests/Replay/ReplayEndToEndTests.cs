using System.Text.Json;
using Build.Cli;
using Build.Engine;
using Build.Engine.Content;
using Build.Engine.Graph;
using Build.Insights;
using Build.Insights.Advice;
using Build.Insights.Replay;
using Build.Insights.Reports;
using Build.Integration.Tests.Support;

namespace Build.Integration.Tests.Replay;

/// <summary>
/// Cache replays of the generated histories (testdata/histories), built for real: base images from the
/// busybox-static rootfs, RUN steps in the sandbox. Short histories with cheap steps keep the class quick.
/// </summary>
public sealed class ReplayEndToEndTests(HistoryRoot fixture) : IClassFixture<HistoryRoot>
{
    private CacheReplayer Replayer() => new(new BuilderRoot(fixture.Root), TimeProvider.System, _ => null);

    [RootFact]
    public async Task Replay_hit_and_miss_counts_equal_per_commit_builds_with_metrics_file()
    {
        await fixture.EnsureAsync();
        string history = fixture.Generate("node-app", 6);
        var replay = await Replayer().ReplayAsync(new ReplayOptions { Repository = history, Fresh = true }, null, CancellationToken.None);
        Assert.Equal(6, replay.Run.Builds.Count);
        Assert.All(replay.Run.Builds, b => Assert.Null(b.Error));

        // The same commits, one `builder build --metrics-file` each, in a clone of our own against a new root.
        string root = fixture.Combine("cli-root-" + Guid.NewGuid().ToString("N")[..6]);
        await fixture.MakeBaseImagesAsync(root);
        string clone = fixture.Combine("cli-clone-" + Guid.NewGuid().ToString("N")[..6]);
        TempDirectory.Run("git", "clone", "-q", history, clone);
        var commits = Git.Run(history, "rev-list", "--reverse", "HEAD").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(replay.Run.Builds.Select(b => b.Commit), commits);
        var counts = new List<(int Hits, int Misses)>();
        foreach (var commit in commits)
        {
            Git.Run(clone, "checkout", "-q", "--detach", commit);
            string metrics = Path.Combine(fixture.Combine(), "metrics-" + commit[..8] + ".json");
            var err = new StringWriter();
            int rc = CliApp.Run(["--root", root, "build", "-q", "--metrics-file", metrics, clone], new StringWriter(), err);
            Assert.True(rc == 0, err.ToString());
            using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(metrics));
            var totals = doc.RootElement.GetProperty("totals");
            counts.Add((totals.GetProperty("hits").GetInt32(), totals.GetProperty("misses").GetInt32()));
        }
        Assert.Equal(counts, replay.Run.Builds.Select(b => (b.Hits, b.Misses)));
        // Not vacuous: the history has both outcomes.
        Assert.Contains(counts, c => c.Hits > 0);
        Assert.All(counts, c => Assert.True(c.Misses > 0));
    }

    [RootFact]
    public async Task Replay_leaves_the_users_work_tree_index_and_branch_unchanged()
    {
        await fixture.EnsureAsync();
        string repo = fixture.Generate("log-dir", 4);
        await File.AppendAllTextAsync(Path.Combine(repo, "app", "util.py"), "# uncommitted edit\n");
        await File.WriteAllTextAsync(Path.Combine(repo, "untracked.txt"), "not added\n");
        await File.WriteAllTextAsync(Path.Combine(repo, "staged.txt"), "staged\n");
        Git.Run(repo, "add", "staged.txt");
        string before = Git.Snapshot(repo);

        var replay = await Replayer().ReplayAsync(new ReplayOptions { Repository = repo, Fresh = true, Commits = 3, MeasureNoCache = true }, null, CancellationToken.None);

        Assert.Equal(3, replay.Run.Builds.Count);
        // --measure-no-cache: each commit also built without cache; a build with hits was faster than its baseline's work.
        Assert.Equal(ReportAnalyzer.Measured, replay.Run.Summary.NoCacheBasis);
        Assert.All(replay.Run.Builds, b => Assert.True(b.NoCacheMs > 0));
        Assert.All(replay.Run.Builds, b => Assert.Null(b.Error));
        Assert.Equal(before, Git.Snapshot(repo));
        AssertNoScratchLeft();
    }

    [RootFact]
    public async Task Replay_interrupted_between_builds_leaves_the_repository_and_no_scratch_tree()
    {
        await fixture.EnsureAsync();
        string repo = fixture.Generate("log-dir", 4);
        await File.AppendAllTextAsync(Path.Combine(repo, "app", "util.py"), "# uncommitted edit\n");
        string before = Git.Snapshot(repo);
        using var cts = new CancellationTokenSource();
        var progress = new Inline(p =>
        {
            if (p.Number == 1)
                cts.Cancel();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Replayer().ReplayAsync(new ReplayOptions { Repository = repo, Fresh = true }, progress, cts.Token));

        Assert.Equal(before, Git.Snapshot(repo));
        AssertNoScratchLeft();
    }

    [RootFact]
    public async Task Replay_interrupted_during_a_build_leaves_the_repository_and_no_scratch_tree()
    {
        await fixture.EnsureAsync();
        string repo = fixture.Generate("node-app", 4);
        string before = Git.Snapshot(repo);
        using var cts = new CancellationTokenSource();
        // Wherever the cancel lands (clone, checkout, hashing, the npm ci sandbox), the outcome must be the same.
        cts.CancelAfter(TimeSpan.FromSeconds(1.5));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Replayer().ReplayAsync(new ReplayOptions { Repository = repo, Fresh = true }, null, cts.Token));

        Assert.Equal(before, Git.Snapshot(repo));
        AssertNoScratchLeft();
    }

    [RootFact]
    public async Task Cli_advise_on_the_log_history_moves_the_commit_arg_and_ignores_the_changing_directories()
    {
        await fixture.EnsureAsync();
        string repo = fixture.Generate("log-dir", 6);
        string report = fixture.Combine("log-" + Guid.NewGuid().ToString("N")[..6] + ".json");
        var err = new StringWriter();
        int rc = CliApp.Run(["--root", fixture.Root, "cache", "advise", "--fresh", "--build-arg", "GIT_COMMIT={commit}", "-o", report, repo], new StringWriter(), err);
        Assert.True(rc == 0, err.ToString());
        var parsed = ReportWriter.FromJson(await File.ReadAllTextAsync(report));
        Assert.Equal(6, parsed.Original.Builds.Count);
        // {commit} reached the build: the ARG's value changed in every build after the first.
        var pip = parsed.Original.Builds.Skip(1).Select(b => b.Steps.Single(s => s.Instruction.StartsWith("RUN pip", StringComparison.Ordinal))).ToList();
        Assert.All(pip, s => Assert.Contains(s.Changes, c => c.Kind == "ArgChanged" && c.Subject == "GIT_COMMIT"));
        var move = Assert.Single(parsed.Advice, a => a.Kind == SuggestionKind.MoveArg);
        Assert.Equal(3, move.Lines[0]);
        var ignore = Assert.Single(parsed.Advice, a => a.Kind == SuggestionKind.DockerIgnore);
        Assert.Equal([".git", "build", "logs"], ignore.DockerIgnoreEntries);
    }

    [RootFact]
    public async Task Without_fresh_the_builder_roots_cache_serves_the_replay_and_no_scratch_state_stays()
    {
        await fixture.EnsureAsync();
        string repo = fixture.Generate("log-dir", 3);
        string statcache = Path.Combine(fixture.Root, "statcache");
        var before = Directory.Exists(statcache) ? Directory.GetFiles(statcache) : [];

        var first = await Replayer().ReplayAsync(new ReplayOptions { Repository = repo }, null, CancellationToken.None);
        var second = await Replayer().ReplayAsync(new ReplayOptions { Repository = repo }, null, CancellationToken.None);

        // The second replay's first commit finds the install in the root's cache, as a warm CI runner would.
        static ReplayStep Pip(ReplayBuild b) => b.Steps.Single(s => s.Instruction.StartsWith("RUN pip", StringComparison.Ordinal));
        Assert.True(Pip(first.Run.Builds[0]).IsMiss);
        Assert.True(Pip(second.Run.Builds[0]).IsHit);
        Assert.True(second.Run.Summary.Hits > first.Run.Summary.Hits, $"{first.Run.Summary.Hits} → {second.Run.Summary.Hits} hits");
        // Nothing of the scratch tree stays: no clone, no stat cache file for its path.
        Assert.Equal(before.Order(StringComparer.Ordinal), (Directory.Exists(statcache) ? Directory.GetFiles(statcache) : []).Order(StringComparer.Ordinal));
        AssertNoScratchLeft();
    }

    private void AssertNoScratchLeft()
    {
        string tmp = new BuilderRoot(fixture.Root).TempDirectory;
        var left = Directory.Exists(tmp) ? Directory.GetDirectories(tmp, "replay-*") : [];
        Assert.Empty(left);
        Assert.DoesNotContain(fixture.Root, File.ReadAllText("/proc/self/mounts"), StringComparison.Ordinal);
    }

    private sealed class Inline(Action<ReplayProgress> report) : IProgress<ReplayProgress>
    {
        public void Report(ReplayProgress value) => report(value);
    }
}
