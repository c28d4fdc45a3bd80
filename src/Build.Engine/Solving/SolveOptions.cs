using Build.Engine.Execution;
using Build.Engine.Oci;

namespace Build.Engine.Solving;

/// <summary>How to solve a graph: cache use, explanations, the sandbox's defaults and limits, reproducibility.</summary>
public sealed record SolveOptions
{
    /// <summary><c>--no-cache</c>: run every step (results are still recorded for later builds).</summary>
    public bool NoCache { get; init; }

    /// <summary><c>--no-cache-filter</c>: stage names (or indexes as text) whose steps always run.</summary>
    public IReadOnlySet<string> NoCacheStages { get; init; } = new HashSet<string>();

    /// <summary><c>--explain-cache</c>: say why each missed step missed.</summary>
    public bool ExplainCache { get; init; }

    /// <summary>The build's <c>--network</c>; <c>RUN --network</c> overrides it per step.</summary>
    public NetworkMode Network { get; init; } = NetworkMode.Host;

    public ResourceLimits Limits { get; init; } = ResourceLimits.None;

    /// <summary><c>SOURCE_DATE_EPOCH</c>: clamps layer mtimes and fixes every timestamp in the image.</summary>
    public DateTimeOffset? SourceDateEpoch { get; init; }

    /// <summary>Steps that may execute at once (independent stages run in parallel up to this bound).</summary>
    public int MaxParallelism { get; init; } = Math.Max(2, Environment.ProcessorCount);

    public LayerCompression Compression { get; init; } = LayerCompression.Gzip;

    /// <summary>The Dockerfile's name, part of each step's identity for explanations.</summary>
    public string DockerfileName { get; init; } = "Dockerfile";

    /// <summary><c>--secret id=…</c> values: id → the secret's bytes source. Never logged, never hashed.</summary>
    public IReadOnlyDictionary<string, SecretSource> Secrets { get; init; } = new Dictionary<string, SecretSource>();
}
