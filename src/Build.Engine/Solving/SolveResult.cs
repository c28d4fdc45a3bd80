using Build.Engine.Oci;

namespace Build.Engine.Solving;

/// <summary>The built target image and what the build cost.</summary>
public sealed record SolveResult(IImage Image, BuildMetrics Metrics, IReadOnlyList<StageResult> Stages);
