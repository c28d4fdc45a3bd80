namespace Build.Engine.Graph;

/// <summary><c>type=ssh</c>: the SSH agent socket <see cref="Id"/> at the target (default /run/buildkit/ssh_agent.N).</summary>
public sealed record SshMount(string Target, string Id, bool Required, int Mode, int Uid, int Gid) : Mount(Target);
