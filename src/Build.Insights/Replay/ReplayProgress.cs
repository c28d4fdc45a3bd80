namespace Build.Insights.Replay;

/// <summary>Progress of a replay: build <see cref="Number"/> of <see cref="Total"/> finished (its record attached).</summary>
public sealed record ReplayProgress(int Number, int Total, Reports.ReplayBuild Build);
