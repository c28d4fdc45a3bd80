namespace Build.Insights.Advice;

/// <summary>
/// One suggested Dockerfile edit. <see cref="Lines"/> are the 1-based lines of the instructions it changes;
/// <see cref="GainMs"/> and <see cref="MissesAvoided"/> are what it would have saved on the replayed history
/// (null when the history cannot tell), and <see cref="GainBasis"/> says how that was worked out.
/// <see cref="DockerIgnoreEntries"/> are the patterns a <c>dockerignore</c> suggestion adds.
/// </summary>
public sealed record Suggestion(
    string Kind,
    string Title,
    IReadOnlyList<int> Lines,
    string Detail,
    string Safety,
    double? GainMs,
    int? MissesAvoided,
    string GainBasis,
    IReadOnlyList<string> DockerIgnoreEntries);
