using Build.Insights.Advice;

namespace Build.Insights.Reports;

/// <summary>
/// What <c>builder cache replay</c> reports: the replay, the advice, and with <c>--apply-to</c> the replay of the
/// rewritten Dockerfile beside it. The JSON form is this record (<see cref="ReportJsonContext"/>).
/// </summary>
public sealed record ReplayReport(
    string Repository,
    string? Target,
    DateTimeOffset Created,
    ReplayRun Original,
    IReadOnlyList<Suggestion> Advice,
    ReplayRun? Advised);
