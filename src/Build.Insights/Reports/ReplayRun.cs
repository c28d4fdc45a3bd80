namespace Build.Insights.Reports;

/// <summary>One replay of a history with one Dockerfile: every build, the totals and the steps that missed most.</summary>
public sealed record ReplayRun(
    string Dockerfile,
    bool Fresh,
    IReadOnlyList<ReplayBuild> Builds,
    ReplaySummary Summary,
    IReadOnlyList<StepMissSummary> TopMisses);
