namespace Build.Engine.Graph;

/// <summary><c>type=tmpfs</c>: an empty tmpfs at the target; <see cref="SizeBytes"/> 0 means no limit.</summary>
public sealed record TmpfsMount(string Target, long SizeBytes) : Mount(Target);
