using System.Collections.Immutable;

namespace Build.Engine.Execution;

/// <summary>
/// A step's command as the solver knows it (strings from the Dockerfile and image config), before
/// <see cref="ExecSpecFactory"/> resolves the user and fills in defaults.
/// </summary>
public sealed record ExecRequest
{
    public required string RootfsPath { get; init; }

    /// <summary>An overlay the sandbox mounts on <see cref="RootfsPath"/> in its own mount namespace.</summary>
    public OverlayRootfs? Overlay { get; init; }

    /// <summary>Exec form: the argv. Shell form: one element, the command line.</summary>
    public required ImmutableArray<string> Command { get; init; }

    /// <summary>Shell form: run <see cref="Command"/> through <see cref="Shell"/>.</summary>
    public bool ShellForm { get; init; }

    /// <summary>The stage's SHELL (default <c>/bin/sh -c</c>).</summary>
    public ImmutableArray<string> Shell { get; init; } = ["/bin/sh", "-c"];

    /// <summary>ENV plus in-scope ARGs, <c>KEY=value</c>, in order; later entries win.</summary>
    public ImmutableArray<string> Env { get; init; } = [];

    /// <summary>USER as written: empty (root), a name, a uid, or either with <c>:group</c>.</summary>
    public string User { get; init; } = "";

    /// <summary>WORKDIR; empty means <c>/</c>.</summary>
    public string WorkingDirectory { get; init; } = "";

    public string Hostname { get; init; } = "";

    public NetworkMode Network { get; init; } = NetworkMode.Host;

    public ImmutableArray<ExecMount> Mounts { get; init; } = [];

    public ResourceLimits Limits { get; init; } = ResourceLimits.None;

    public TimeSpan? Timeout { get; init; }
}
