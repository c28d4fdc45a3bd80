using Build.Engine.Caching;

namespace Build.Engine.Solving;

/// <summary>A step's resolved key inputs, plus what was read to resolve them (for explanations and metrics).</summary>
/// <param name="Inputs">What the key is computed from.</param>
/// <param name="FileList">
/// Per selected file, its entry digest: made only when asked for (an explanation, or the record of a miss), so a
/// cache hit on a large COPY does not build it.
/// </param>
/// <param name="Statistics">Files and bytes read while resolving.</param>
internal sealed record ResolvedInputs(StepInputs Inputs, Lazy<IReadOnlyDictionary<string, string>>? FileList, HashStatistics Statistics)
{
    public static readonly HashStatistics NoHashing = new(0, 0, 0);

    /// <summary>The per-file digests (see <see cref="FileList"/>), or null when the step selected no files.</summary>
    public IReadOnlyDictionary<string, string>? Files => FileList?.Value;
}
