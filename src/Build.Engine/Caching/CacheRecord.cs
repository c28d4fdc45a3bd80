namespace Build.Engine.Caching;

/// <summary>
/// One stored cache entry: the step's key and preimage, what it produced, and how long it took to produce
/// (the stored duration is what a later hit saves). <see cref="StepIdentity"/> names "the same step" across
/// builds (Dockerfile, stage, position and instruction) so a miss can be compared with its predecessor.
/// </summary>
public sealed record CacheRecord(
    CacheKey Key,
    string StepIdentity,
    CacheKeyPreimage Preimage,
    CachedLayer? Layer,
    TimeSpan Duration,
    DateTimeOffset Created,
    DateTimeOffset LastUsed)
{
    /// <summary>Optional per-file content digests of the files the step read (path → digest), for explanations.</summary>
    public IReadOnlyDictionary<string, string>? Files { get; init; }
}
