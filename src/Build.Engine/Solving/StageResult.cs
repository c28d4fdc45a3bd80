using Build.Engine.Oci;

namespace Build.Engine.Solving;

/// <summary>
/// A built stage: its image (layers, config, history) and the cache key of its last filesystem step (or its base's
/// identity when it has none), which is what later stages that read it put into their keys.
/// </summary>
public sealed record StageResult(int StageIndex, IImage Image, string Key);
