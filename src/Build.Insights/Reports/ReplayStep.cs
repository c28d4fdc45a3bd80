namespace Build.Insights.Reports;

/// <summary>
/// One step of one replayed build. <see cref="Result"/> is <c>hit</c>, <c>miss</c> or <c>uncached</c>;
/// <see cref="SavedMs"/> is, for a hit, how long the step took when it was recorded (what the hit saved).
/// </summary>
public sealed record ReplayStep(
    string Id,
    string Instruction,
    int? Line,
    string Result,
    double DurationMs,
    double SavedMs,
    long FilesHashed,
    long BytesHashed,
    long LayerSize,
    IReadOnlyList<ReplayChange> Changes)
{
    public bool IsHit => Result == "hit";

    public bool IsMiss => Result == "miss";
}
