using Build.Engine.Caching;
using Build.Engine.Oci;

namespace Build.Engine.Solving;

/// <summary>A step's result: its key and the layer it produced (null for an empty diff, as BuildKit drops empty layers).</summary>
internal sealed record StepOutcome(CacheKey Key, ILayer? Layer)
{
    /// <summary>When the step's cache record was made: the reused one's on a hit, the new one's on a miss.</summary>
    public DateTimeOffset? RecordedAt { get; init; }

    /// <summary>
    /// What the next step of the stage is keyed on when it is not <see cref="Key"/>: for a step with a secondary
    /// (content) key, its parent and its result layer, so the steps after it hit whichever of its keys matched.
    /// </summary>
    public string? ChainKey { get; init; }

    /// <summary>The parent key of the step that follows this one.</summary>
    public string Next => ChainKey ?? Key.ToString();
}
