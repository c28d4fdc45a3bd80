using Build.Engine.Caching;
using Build.Engine.Oci;

namespace Build.Engine.Solving;

/// <summary>A step's result: its key and the layer it produced (null for an empty diff, as BuildKit drops empty layers).</summary>
internal sealed record StepOutcome(CacheKey Key, ILayer? Layer)
{
    /// <summary>When the step's cache record was made: the reused one's on a hit, the new one's on a miss.</summary>
    public DateTimeOffset? RecordedAt { get; init; }
}
