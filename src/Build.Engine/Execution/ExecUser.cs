using System.Collections.Immutable;

namespace Build.Engine.Execution;

/// <summary>The numeric identity a command runs as, after resolving <c>USER</c> against the image.</summary>
/// <param name="Uid">The user id.</param>
/// <param name="Gid">The primary group id.</param>
/// <param name="AdditionalGids">Supplementary groups (from /etc/group membership when USER names no group).</param>
/// <param name="Home">The home directory from /etc/passwd, used for <c>HOME</c> when the env lacks it.</param>
public sealed record ExecUser(uint Uid, uint Gid, ImmutableArray<uint> AdditionalGids, string Home)
{
    public static readonly ExecUser Root = new(0, 0, [], "/root");
}
