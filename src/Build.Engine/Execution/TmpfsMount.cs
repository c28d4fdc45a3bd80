namespace Build.Engine.Execution;

/// <summary>A fresh tmpfs at <see cref="ExecMount.Target"/>, gone when the step ends.</summary>
/// <param name="Target">Absolute path inside the container.</param>
/// <param name="SizeBytes">Size limit; null is the kernel's default (half of RAM).</param>
public sealed record TmpfsMount(string Target, long? SizeBytes) : ExecMount(Target);
