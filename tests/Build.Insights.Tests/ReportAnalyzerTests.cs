using Build.Insights.Reports;
using static Build.Insights.Tests.Fakes;

namespace Build.Insights.Tests;

public class ReportAnalyzerTests
{
    // A node-style history: COPY . /app misses whenever src/ changes, RUN npm ci after it re-runs each time.
    private static ReplayRun NodeRun() => Run(
        Commit(1, [], 1000, Miss("s0.1", "COPY . /app", 3, 50, First()), Miss("s0.2", "RUN npm ci", 4, 800, First())),
        Commit(2, ["src/a.js"], 900, Miss("s0.1", "COPY . /app", 3, 40, File("src/a.js")), Miss("s0.2", "RUN npm ci", 4, 700, Parent())),
        Commit(3, ["README.md"], 100, Hit("s0.1", "COPY . /app", 3, 5, 40), Hit("s0.2", "RUN npm ci", 4, 5, 700)),
        Commit(4, ["src/b.js", "src/c.js"], 950, Miss("s0.1", "COPY . /app", 3, 45, File("src/b.js"), File("src/c.js")), Miss("s0.2", "RUN npm ci", 4, 750, Parent())));

    [Fact]
    public void Summary_counts_steps_and_weighs_time()
    {
        var s = NodeRun().Summary;
        Assert.Equal(4, s.Builds);
        Assert.Equal(2, s.Hits);
        Assert.Equal(6, s.Misses);
        Assert.Equal(2.0 / 8, s.HitRatio, 6);
        // Hits saved 40 + 700 ms of recorded work; misses cost 50+800+40+700+45+750 = 2385 ms.
        Assert.Equal(740.0 / (740 + 2385), s.TimeWeightedHitRatio, 6);
        Assert.Equal(740, s.SavedMs, 6);
    }

    [Fact]
    public void Step_times_and_the_rest_add_up_to_each_build_and_builds_to_the_total()
    {
        var run = NodeRun();
        foreach (var b in run.Builds)
        {
            Assert.Equal(b.Steps.Sum(s => s.DurationMs), b.StepsMs, 6);
            Assert.Equal(b.WallMs, b.StepsMs + b.OtherMs, 6);
        }
        Assert.Equal(run.Builds.Sum(b => b.WallMs), run.Summary.TotalMs, 6);
        Assert.Equal(run.Builds.Sum(b => b.StepsMs), run.Summary.StepsMs, 6);
    }

    [Fact]
    public void No_cache_time_is_estimated_by_replacing_each_hit_by_its_recorded_time()
    {
        var run = NodeRun();
        var third = run.Builds[2];
        Assert.Equal(100 - 5 - 5 + 40 + 700, third.NoCacheMs, 6);
        Assert.Equal(1000, run.Builds[0].NoCacheMs, 6); // nothing hit: the build itself
        Assert.Equal(ReportAnalyzer.Estimated, run.Summary.NoCacheBasis);
        Assert.Equal(run.Builds.Sum(b => b.NoCacheMs), run.Summary.NoCacheMs, 6);
    }

    [Fact]
    public void Top_misses_name_the_input_that_caused_them_and_the_steps_that_only_followed()
    {
        var top = NodeRun().TopMisses;
        Assert.Equal("s0.2", top[0].Id); // the costliest first
        Assert.Equal("RUN npm ci (line 4) missed in 3 of 4 builds because it had no cached record (1); in 2 more an earlier step had missed", top[0].Sentence);
        var copy = top.Single(t => t.Id == "s0.1");
        Assert.Equal("COPY . /app (line 3) missed in 3 of 4 builds because src/ changed (2), it had no cached record (1)", copy.Sentence);
        Assert.Equal(new MissCause("src/", 2), copy.Causes[0]);
    }

    [Fact]
    public void A_step_that_only_follows_earlier_misses_says_so()
    {
        var run = Run(
            Commit(1, ["a"], 10, Miss("s0.1", "COPY . /app", 3, 1, File("a")), Miss("s0.2", "RUN make", 4, 5, Parent())),
            Commit(2, ["a"], 10, Miss("s0.1", "COPY . /app", 3, 1, File("a")), Miss("s0.2", "RUN make", 4, 5, Parent())));
        Assert.Equal("RUN make (line 4) re-ran every time (2 of 2 builds) only because an earlier step missed", run.TopMisses.Single(t => t.Id == "s0.2").Sentence);
    }

    [Fact]
    public void Failed_builds_are_counted_but_not_in_the_ratios()
    {
        var run = Run(
            Commit(1, [], 10, Hit("s0.1", "RUN a", 2, 1, 5)),
            ReportAnalyzer.Failed(2, "abc", "broken", [], 3, "step failed"));
        Assert.Equal(1, run.Summary.FailedBuilds);
        Assert.Equal(1.0, run.Summary.HitRatio);
        Assert.Equal(13, run.Summary.TotalMs, 6);
    }

    [Theory]
    [InlineData("[build 2/5] RUN make", "RUN make")]
    [InlineData("[3/4] COPY . /app", "COPY . /app")]
    [InlineData("WORKDIR /app", "WORKDIR /app")]
    public void Instruction_text_drops_the_progress_counter(string description, string expected) =>
        Assert.Equal(expected, ReportAnalyzer.InstructionOf(description));

    [Theory]
    [InlineData("src/app/main.js", "src/")]
    [InlineData("package.json", "package.json")]
    [InlineData(".git/index", ".git/")]
    public void Changed_paths_group_by_top_level_entry(string path, string expected) =>
        Assert.Equal(expected, ReportAnalyzer.TopLevel(path));
}
