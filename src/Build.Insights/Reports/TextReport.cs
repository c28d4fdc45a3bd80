using System.Globalization;
using Build.Insights.Advice;

namespace Build.Insights.Reports;

/// <summary>The plain-text report: summary, one line per build, the steps that miss most, advice, comparison.</summary>
internal static class TextReport
{
    public static void Write(ReplayReport report, TextWriter w)
    {
        WriteRun(w, report.Repository, report.Original);
        if (report.Advice.Count > 0)
        {
            w.WriteLine();
            WriteAdvice(w, report.Advice);
        }
        if (report.Advised is { } advised)
        {
            w.WriteLine();
            WriteComparison(w, report.Original, advised);
        }
    }

    public static void WriteRun(TextWriter w, string repository, ReplayRun run)
    {
        var s = run.Summary;
        w.WriteLine($"Cache replay of {repository} with {run.Dockerfile}: {s.Builds} commits, {(run.Fresh ? "starting from an empty cache" : "with the builder's current cache")}");
        if (s.FailedBuilds > 0)
            w.WriteLine($"  {s.FailedBuilds} of {s.Builds} builds failed (not counted in the ratios)");
        w.WriteLine($"  hit ratio:        {Units.Percent(s.HitRatio)} of steps ({s.Hits} hits, {s.Misses} misses), {Units.Percent(s.TimeWeightedHitRatio)} time-weighted");
        w.WriteLine($"  time:             {Units.Seconds(s.TotalMs)} for all builds ({Units.Seconds(s.StepsMs)} in steps); without cache {Units.Seconds(s.NoCacheMs)} ({s.NoCacheBasis}{(s.NoCacheBasis == ReportAnalyzer.Estimated ? " from the recorded durations of the steps that hit" : " with a --no-cache build of each commit")})");
        w.WriteLine();
        w.WriteLine("  build  commit      hits  misses     time  no-cache  changed files");
        foreach (var b in run.Builds)
        {
            string changed = b.Number == 1 ? "(first)" : b.ChangedFiles.Count == 0 ? "-" : string.Join(", ", b.ChangedFiles.Take(3)) + (b.ChangedFiles.Count > 3 ? $" +{b.ChangedFiles.Count - 3}" : "");
            if (b.Error is not null)
                w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {b.Number,5}  {b.ShortCommit,-10}  failed: {b.Error}"));
            else
                w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {b.Number,5}  {b.ShortCommit,-10}  {b.Hits,4}  {b.Misses,6}  {Units.Seconds(b.WallMs),7}  {Units.Seconds(b.NoCacheMs),8}  {changed}"));
        }
        if (run.TopMisses.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("Steps that miss most (costliest first):");
            foreach (var m in run.TopMisses.Take(10))
                w.WriteLine($"  - {m.Sentence} [{Units.Seconds(m.MissMs)}]");
        }
    }

    public static void WriteAdvice(TextWriter w, IReadOnlyList<Suggestion> advice)
    {
        w.WriteLine("Advice:");
        int i = 0;
        foreach (var a in advice)
        {
            i++;
            string gain = a.GainMs is { } g ? $"saves ~{Units.Seconds(g)}, {a.MissesAvoided} misses avoided" : "gain not estimated";
            w.WriteLine($"  {i}. {a.Title} ({Units.Lines(a.Lines)}; {gain})");
            foreach (var line in a.Detail.Split('\n'))
                w.WriteLine("     " + line);
            w.WriteLine("     Safety: " + a.Safety);
            w.WriteLine("     Gain: " + a.GainBasis);
        }
    }

    private static void WriteComparison(TextWriter w, ReplayRun original, ReplayRun advised)
    {
        w.WriteLine($"Side by side: {original.Dockerfile} | {advised.Dockerfile}");
        foreach (var (label, a, b) in Rows(original.Summary, advised.Summary))
            w.WriteLine($"  {label,-24} {a,14} | {b}");
    }

    internal static IEnumerable<(string Label, string Original, string Advised)> Rows(ReplaySummary a, ReplaySummary b) =>
    [
        ("hit ratio (steps)", Units.Percent(a.HitRatio), Units.Percent(b.HitRatio)),
        ("hit ratio (time)", Units.Percent(a.TimeWeightedHitRatio), Units.Percent(b.TimeWeightedHitRatio)),
        ("hits / misses", $"{a.Hits} / {a.Misses}", $"{b.Hits} / {b.Misses}"),
        ("total time", Units.Seconds(a.TotalMs), Units.Seconds(b.TotalMs)),
        ("time in steps", Units.Seconds(a.StepsMs), Units.Seconds(b.StepsMs)),
        ("no-cache time", Units.Seconds(a.NoCacheMs), Units.Seconds(b.NoCacheMs)),
        ("failed builds", Units.Int(a.FailedBuilds), Units.Int(b.FailedBuilds)),
    ];
}
