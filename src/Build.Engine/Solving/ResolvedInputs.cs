using Build.Engine.Caching;

namespace Build.Engine.Solving;

/// <summary>A step's resolved key inputs, plus what was read to resolve them (for explanations and metrics).</summary>
internal sealed record ResolvedInputs(StepInputs Inputs, IReadOnlyDictionary<string, string>? Files, HashStatistics Statistics)
{
    public static readonly HashStatistics NoHashing = new(0, 0, 0);
}
