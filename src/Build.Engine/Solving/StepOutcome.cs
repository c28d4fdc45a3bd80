using Build.Engine.Caching;
using Build.Engine.Oci;

namespace Build.Engine.Solving;

/// <summary>A step's result: its key and the layer it produced (null for an empty diff, as BuildKit drops empty layers).</summary>
internal sealed record StepOutcome(CacheKey Key, ILayer? Layer);
