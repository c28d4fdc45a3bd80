using System.Collections.Immutable;

namespace Build.Engine.Execution;

/// <summary>
/// An overlay root the sandbox mounts itself, inside the step's own mount namespace, on
/// <see cref="ExecSpec.RootfsPath"/> (an empty directory): nothing is mounted on the host, and the mount
/// goes away with the namespace when the step's last process exits.
/// </summary>
/// <param name="LowersTopFirst">The lower dirs, topmost first (overlay's order); at least one.</param>
/// <param name="UpperDir">A fresh, empty upper dir: the step's diff.</param>
/// <param name="WorkDir">overlay's work dir, on the same filesystem as <paramref name="UpperDir"/>.</param>
public sealed record OverlayRootfs(ImmutableArray<string> LowersTopFirst, string UpperDir, string WorkDir);
