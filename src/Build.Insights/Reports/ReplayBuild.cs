namespace Build.Insights.Reports;

/// <summary>
/// One replayed commit. <see cref="WallMs"/> is the build's wall time; it is <see cref="StepsMs"/> (the sum of
/// the steps' durations) plus <see cref="OtherMs"/> (base image resolution, context hashing, metadata steps; negative
/// only when stages ran in parallel). <see cref="NoCacheMs"/> is the no-cache time of the same commit, measured
/// or estimated as the report's summary says. <see cref="ChangedFiles"/> are the files git reports changed
/// since the previous replayed commit.
/// </summary>
public sealed record ReplayBuild(
    int Number,
    string Commit,
    string Subject,
    IReadOnlyList<string> ChangedFiles,
    double WallMs,
    double StepsMs,
    double OtherMs,
    double NoCacheMs,
    int Hits,
    int Misses,
    IReadOnlyList<ReplayStep> Steps,
    string? Error)
{
    public string ShortCommit => Commit.Length > 10 ? Commit[..10] : Commit;
}
