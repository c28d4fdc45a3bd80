namespace Build.Engine.Execution;

/// <summary>Binds a host file or directory at <see cref="ExecMount.Target"/>.</summary>
/// <param name="Source">Absolute host path.</param>
/// <param name="Target">Absolute path inside the container.</param>
/// <param name="ReadOnly">Mount read-only.</param>
public sealed record BindMount(string Source, string Target, bool ReadOnly) : ExecMount(Target);
