using System.Globalization;
using Build.Engine.Caching;
using Build.Engine.Solving;

namespace Build.Insights.Reports;

/// <summary>
/// Turns build metrics into report records and sums them: hit ratios, time against a no-cache build, and the
/// steps that missed most with the inputs that made them miss. Pure functions over values (tested with fakes).
/// </summary>
public static class ReportAnalyzer
{
    public const string Measured = "measured";
    public const string Estimated = "estimated";

    /// <summary>One successful build as a report record; <paramref name="measuredNoCacheMs"/> null means estimate it.</summary>
    public static ReplayBuild ToBuild(int number, string commit, string subject, IReadOnlyList<string> changedFiles, BuildMetrics metrics, double? measuredNoCacheMs)
    {
        var steps = metrics.Steps.Select(s => new ReplayStep(
            s.Id,
            InstructionOf(s.Name),
            s.Location?.Line,
            s.Cached ? "hit" : s.Key is null ? "uncached" : "miss",
            Ms(s.Duration),
            s.Cached ? Ms(s.SavedDuration) : 0,
            s.FilesHashed,
            s.BytesHashed,
            s.LayerSize,
            s.Explanation.Select(c => new ReplayChange(c.Kind.ToString(), c.Subject, c.Describe())).ToList())).ToList();
        return Build(number, commit, subject, changedFiles, Ms(metrics.Duration), steps, measuredNoCacheMs);
    }

    /// <summary>A build from its parts: the step sum, the rest and the no-cache time are derived here only.</summary>
    public static ReplayBuild Build(int number, string commit, string subject, IReadOnlyList<string> changedFiles, double wallMs, IReadOnlyList<ReplayStep> steps, double? measuredNoCacheMs)
    {
        double stepsMs = steps.Sum(s => s.DurationMs);
        return new ReplayBuild(number, commit, subject, changedFiles, wallMs, stepsMs, wallMs - stepsMs,
            measuredNoCacheMs ?? EstimateNoCache(wallMs, steps),
            steps.Count(s => s.IsHit), steps.Count(s => s.IsMiss), steps, null);
    }

    public static ReplayBuild Failed(int number, string commit, string subject, IReadOnlyList<string> changedFiles, double wallMs, string error) =>
        new(number, commit, subject, changedFiles, wallMs, 0, wallMs, wallMs, 0, 0, [], error);

    /// <summary>
    /// The time a build without cache would have taken: the wall time with every hit's lookup time replaced by
    /// the time the step took when it was recorded.
    /// </summary>
    public static double EstimateNoCache(double wallMs, IEnumerable<ReplayStep> steps) =>
        wallMs + steps.Where(s => s.IsHit).Sum(s => s.SavedMs - s.DurationMs);

    public static ReplayRun Summarize(string dockerfile, bool fresh, IReadOnlyList<ReplayBuild> builds, bool noCacheMeasured)
    {
        var ok = builds.Where(b => b.Error is null).ToList();
        var steps = ok.SelectMany(b => b.Steps).ToList();
        int hits = steps.Count(s => s.IsHit);
        int misses = steps.Count(s => s.IsMiss);
        double savedMs = steps.Where(s => s.IsHit).Sum(s => s.SavedMs);
        double missMs = steps.Where(s => s.IsMiss).Sum(s => s.DurationMs);
        var summary = new ReplaySummary(
            builds.Count,
            builds.Count - ok.Count,
            steps.Count,
            hits,
            misses,
            hits + misses == 0 ? 1.0 : (double)hits / (hits + misses),
            savedMs + missMs <= 0 ? (hits + misses == 0 ? 1.0 : (double)hits / (hits + misses)) : savedMs / (savedMs + missMs),
            builds.Sum(b => b.WallMs),
            ok.Sum(b => b.StepsMs),
            builds.Sum(b => b.NoCacheMs),
            noCacheMeasured ? Measured : Estimated,
            savedMs);
        return new ReplayRun(dockerfile, fresh, builds, summary, TopMisses(ok));
    }

    /// <summary>Every step that missed at least once, the costliest first, with its causes counted per build.</summary>
    public static IReadOnlyList<StepMissSummary> TopMisses(IReadOnlyList<ReplayBuild> builds)
    {
        var result = new List<StepMissSummary>();
        foreach (var group in builds.SelectMany(b => b.Steps.Select(s => (Build: b, Step: s))).GroupBy(x => x.Step.Id, StringComparer.Ordinal))
        {
            var missed = group.Where(x => x.Step.IsMiss).ToList();
            if (missed.Count == 0)
                continue;
            var latest = group.Last().Step;
            var causes = missed
                .SelectMany(x => x.Step.Changes.Select(InputOf).Distinct(StringComparer.Ordinal))
                .GroupBy(i => i, StringComparer.Ordinal)
                .Select(g => new MissCause(g.Key, g.Count()))
                .OrderByDescending(c => c.Builds).ThenBy(c => c.Input, StringComparer.Ordinal)
                .ToList();
            int builds0 = group.Count();
            result.Add(new StepMissSummary(group.Key, latest.Instruction, latest.Line, missed.Count, builds0,
                missed.Sum(x => x.Step.DurationMs), causes, Sentence(latest, missed.Count, builds0, causes)));
        }
        return result.OrderByDescending(s => s.MissMs).ThenByDescending(s => s.Misses).ThenBy(s => s.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>The input a change names, grouped the way people think of a repository: top-level directory or file.</summary>
    public static string InputOf(ReplayChange change) => change.Kind switch
    {
        nameof(CacheChangeKind.FileAdded) or nameof(CacheChangeKind.FileRemoved) or nameof(CacheChangeKind.FileChanged) => TopLevel(change.Subject),
        nameof(CacheChangeKind.FilesChanged) => "its source files",
        nameof(CacheChangeKind.ArgChanged) => "ARG " + change.Subject,
        nameof(CacheChangeKind.EnvChanged) => "ENV " + change.Subject,
        nameof(CacheChangeKind.CommandChanged) => "the command",
        nameof(CacheChangeKind.BaseImageChanged) => "the base image",
        nameof(CacheChangeKind.ParentChanged) => PreviousStep,
        nameof(CacheChangeKind.DependencyChanged) => change.Subject.StartsWith("stage:", StringComparison.Ordinal) ? "stage " + change.Subject[6..] : change.Subject,
        nameof(CacheChangeKind.NoPreviousRecord) => NoRecord,
        nameof(CacheChangeKind.SchemeChanged) => "the key scheme",
        _ => change.Subject,
    };

    internal const string PreviousStep = "the previous step";
    internal const string NoRecord = "no cached record";

    /// <summary><c>src/app.js</c> → <c>src/</c>; <c>package.json</c> stays.</summary>
    public static string TopLevel(string path)
    {
        string p = path.TrimStart('/');
        int slash = p.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? p : p[..(slash + 1)];
    }

    private static string Sentence(ReplayStep step, int misses, int builds, IReadOnlyList<MissCause> causes)
    {
        string where = step.Line is { } l ? string.Create(CultureInfo.InvariantCulture, $"{step.Instruction} (line {l})") : step.Instruction;
        string count = misses == builds
            ? string.Create(CultureInfo.InvariantCulture, $"every time ({misses} of {builds} builds)")
            : string.Create(CultureInfo.InvariantCulture, $"in {misses} of {builds} builds");
        var own = causes.Where(c => c.Input != PreviousStep).ToList();
        if (own.Count == 0)
            return $"{where} re-ran {count} only because an earlier step missed";
        var parts = own.Take(4).Select(c => c.Input switch
        {
            NoRecord => string.Create(CultureInfo.InvariantCulture, $"it had no cached record ({c.Builds})"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{c.Input} changed ({c.Builds})"),
        }).ToList();
        if (own.Count > 4)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{own.Count - 4} more"));
        var previous = causes.FirstOrDefault(c => c.Input == PreviousStep);
        string tail = previous is null ? "" : string.Create(CultureInfo.InvariantCulture, $"; in {previous.Builds} more an earlier step had missed");
        return $"{where} missed {count} because {string.Join(", ", parts)}{tail}";
    }

    /// <summary>Strips BuildKit's progress counter: <c>[build 2/5] RUN make</c> → <c>RUN make</c>.</summary>
    public static string InstructionOf(string description)
    {
        if (description.StartsWith('[') && description.IndexOf("] ", StringComparison.Ordinal) is int end and > 0)
            return description[(end + 2)..];
        return description;
    }

    private static double Ms(TimeSpan t) => Math.Round(t.TotalMilliseconds, 3);
}
