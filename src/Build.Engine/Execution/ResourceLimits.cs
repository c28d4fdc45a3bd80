namespace Build.Engine.Execution;

/// <summary>cgroup limits for one step. Null means unlimited.</summary>
/// <param name="MemoryBytes">Memory limit (swap is not allowed on top of it), as <c>--memory</c>.</param>
/// <param name="Pids">Maximum number of processes and threads, as <c>--pids-limit</c>.</param>
/// <param name="CpuShares">Relative CPU weight (v1 shares scale, 2..262144; default 1024).</param>
/// <param name="CpuQuotaMicros">CPU time allowed per <paramref name="CpuPeriodMicros"/>, as <c>--cpu-quota</c>.</param>
/// <param name="CpuPeriodMicros">Period for the quota (default 100 ms).</param>
public sealed record ResourceLimits(
    long? MemoryBytes = null,
    long? Pids = null,
    long? CpuShares = null,
    long? CpuQuotaMicros = null,
    long CpuPeriodMicros = 100_000)
{
    public static readonly ResourceLimits None = new();

    /// <summary>No limit set: the step needs no cgroup of its own.</summary>
    public bool IsUnlimited => MemoryBytes is null && Pids is null && CpuShares is null && CpuQuotaMicros is null;
}
