namespace Build.Insights.Reports;

/// <summary>
/// Totals of a replay. <see cref="HitRatio"/> counts keyed steps; <see cref="TimeWeightedHitRatio"/> weighs
/// each step by its cost: the recorded execution time of hits over that plus the time of misses.
/// <see cref="NoCacheBasis"/> says whether <see cref="NoCacheMs"/> was <c>measured</c> (a --no-cache build of
/// each commit) or <c>estimated</c> (wall time with every hit replaced by its recorded execution time).
/// </summary>
public sealed record ReplaySummary(
    int Builds,
    int FailedBuilds,
    int Steps,
    int Hits,
    int Misses,
    double HitRatio,
    double TimeWeightedHitRatio,
    double TotalMs,
    double StepsMs,
    double NoCacheMs,
    string NoCacheBasis,
    double SavedMs);
