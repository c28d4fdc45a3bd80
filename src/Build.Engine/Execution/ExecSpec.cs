using System.Collections.Immutable;

namespace Build.Engine.Execution;

/// <summary>
/// Everything the sandbox needs to run one command, fully resolved (numeric user, final argv and env).
/// Built from an <see cref="ExecRequest"/> by <see cref="ExecSpecFactory.Create"/>, a pure function.
/// </summary>
public sealed record ExecSpec
{
    /// <summary>The root filesystem: a mounted snapshot, a plain directory, or (with <see cref="Overlay"/>)
    /// the empty directory the sandbox mounts the overlay on.</summary>
    public required string RootfsPath { get; init; }

    /// <summary>When set, the sandbox mounts this overlay on <see cref="RootfsPath"/> in the step's own mount
    /// namespace instead of using the directory as it is.</summary>
    public OverlayRootfs? Overlay { get; init; }

    /// <summary>The command; <c>Args[0]</c> is looked up in the command's PATH when it has no slash.</summary>
    public required ImmutableArray<string> Args { get; init; }

    /// <summary>The environment, <c>KEY=value</c> entries, PATH and HOME included.</summary>
    public required ImmutableArray<string> Env { get; init; }

    /// <summary>Absolute working directory inside the rootfs; created (owned by the user) if missing.</summary>
    public string WorkingDirectory { get; init; } = "/";

    public ExecUser User { get; init; } = ExecUser.Root;

    public string Hostname { get; init; } = ExecSpecFactory.DefaultHostname;

    public NetworkMode Network { get; init; } = NetworkMode.Host;

    /// <summary>Mounts made in order, after /proc, /dev, /sys and the /etc files.</summary>
    public ImmutableArray<ExecMount> Mounts { get; init; } = [];

    public ResourceLimits Limits { get; init; } = ResourceLimits.None;

    /// <summary>Kill the step after this long; null waits forever.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The capability bounding set (bits of <see cref="LinuxCapabilities"/>).</summary>
    public ulong Capabilities { get; init; } = LinuxCapabilities.DockerDefault;

    /// <summary>Set PR_SET_NO_NEW_PRIVS so setuid binaries cannot gain privileges.</summary>
    public bool NoNewPrivileges { get; init; } = true;
}
