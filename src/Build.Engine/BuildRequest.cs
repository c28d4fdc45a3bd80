using Build.Engine.Caching.Remote;
using Build.Engine.Execution;
using Build.Engine.Export;
using Build.Engine.Graph;
using Build.Engine.Solving;

namespace Build.Engine;

/// <summary>
/// One <c>builder build</c>, typed: every string from the command line is already parsed by the CLI.
/// <see cref="DockerfileText"/> overrides reading <see cref="DockerfilePath"/> (for <c>-f -</c>).
/// </summary>
public sealed record BuildRequest
{
    /// <summary>The context directory; null for a build without context (Dockerfile from stdin, no COPY).</summary>
    public string? ContextDirectory { get; init; }

    /// <summary>The Dockerfile path; default <c>CONTEXT/Dockerfile</c>.</summary>
    public string? DockerfilePath { get; init; }

    public string? DockerfileText { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyList<KeyValue> BuildArgs { get; init; } = [];

    public string? Target { get; init; }

    public bool NoCache { get; init; }

    public IReadOnlySet<string> NoCacheStages { get; init; } = new HashSet<string>();

    /// <summary><c>--pull</c>: always pull base images instead of using stored ones.</summary>
    public bool Pull { get; init; }

    public Execution.NetworkMode Network { get; init; } = Execution.NetworkMode.Host;

    /// <summary><c>--runtime</c>: null (or <c>builder</c>) for Builder's own sandbox, else an OCI runtime such as <c>runc</c>.</summary>
    public string? Runtime { get; init; }

    public IReadOnlyDictionary<string, SecretSource> Secrets { get; init; } = new Dictionary<string, SecretSource>();

    /// <summary><c>--label</c>: labels added to the final image.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary><c>--platform</c>; null is the host's.</summary>
    public string? Platform { get; init; }

    public IReadOnlyList<ExportTarget> Outputs { get; init; } = [];

    public bool ExplainCache { get; init; }

    public ResourceLimits Limits { get; init; } = ResourceLimits.None;

    public DateTimeOffset? SourceDateEpoch { get; init; }

    /// <summary><c>--cache-from</c>: shared caches whose records are used after the local index (layers fetched only when needed).</summary>
    public IReadOnlyList<RemoteCacheSpec> CacheFrom { get; init; } = [];

    /// <summary><c>--cache-to</c>: shared caches the build's records are merged into after a successful build.</summary>
    public IReadOnlyList<RemoteCacheSpec> CacheTo { get; init; } = [];
}
