using Build.Engine.Caching;
using Build.Engine.Graph;

namespace Build.Engine.Solving;

/// <summary>
/// What one step cost and why: written to <c>--metrics-file</c> and used by cache replays.
/// <see cref="SavedDuration"/> is, for a hit, how long the step took when it was recorded.
/// </summary>
public sealed record StepMetrics(
    string Id,
    string Name,
    string? Key,
    bool Cached,
    bool Executed,
    IReadOnlyList<CacheChange> Explanation,
    TimeSpan Duration,
    TimeSpan SavedDuration,
    long FilesHashed,
    long BytesHashed,
    long FilesReused,
    long LayerSize)
{
    /// <summary>Where the step's instruction is in the Dockerfile (cache replays map steps to lines with it).</summary>
    public SourceLocation? Location { get; init; }
}
