using Build.Engine.Graph;

namespace Build.Engine.Execution;

/// <summary>
/// What the solver provides for a step's mounts: the host directory of each filesystem a mount reads
/// (the context dir, a stage's or an image's rootfs) and the build's secrets.
/// </summary>
/// <param name="Roots">Host directory of each <see cref="SourceRef"/> the step's mounts name.</param>
/// <param name="Secrets">The build request's secrets.</param>
public sealed record MountSources(IReadOnlyDictionary<SourceRef, string> Roots, SecretStore Secrets);
