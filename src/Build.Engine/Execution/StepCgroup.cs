using System.Collections.Immutable;
using System.Globalization;
using Build.Engine.Errors;

namespace Build.Engine.Execution;

/// <summary>
/// The cgroup(s) of one step: created with the limits before the sandbox starts (the helper joins
/// them before it forks, so every process of the step is inside), read for OOM kills afterwards,
/// removed when disposed. On v1 there is one directory per controller; on v2 one directory.
/// </summary>
public sealed class StepCgroup : IDisposable
{
    private readonly ImmutableArray<string> _dirs;
    private readonly string? _memoryDir;
    private readonly bool _v2;

    private StepCgroup(ImmutableArray<string> dirs, string? memoryDir, bool v2, long? memoryLimit)
    {
        _dirs = dirs;
        _memoryDir = memoryDir;
        _v2 = v2;
        MemoryLimitBytes = memoryLimit;
    }

    /// <summary>The <c>cgroup.procs</c> files the sandbox writes its pid into.</summary>
    public IEnumerable<string> ProcsFiles => _dirs.Select(d => d + "/cgroup.procs");

    public long? MemoryLimitBytes { get; }

    /// <summary>Creates <c>&lt;hierarchy&gt;/&lt;parent&gt;/&lt;id&gt;</c> with <paramref name="limits"/> applied.</summary>
    public static StepCgroup Create(CgroupLayout layout, string parent, string id, ResourceLimits limits)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(limits);
        var created = new List<string>();
        try
        {
            if (layout.UnifiedRoot is { } root)
                return CreateV2(root, parent, id, limits, created);
            return CreateV1(layout, parent, id, limits, created);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            foreach (var dir in created)
                TryRemove(dir);
            throw new BuildException(ErrorCode.SandboxFailed, $"cannot set up cgroup {parent}/{id}: {e.Message}", e);
        }
    }

    private static StepCgroup CreateV2(string root, string parent, string id, ResourceLimits limits, List<string> created)
    {
        // Controllers must be enabled in every ancestor's subtree_control; the parent holds no
        // processes itself (v2's no-internal-processes rule).
        var parentDir = Path.Combine(root, parent);
        Directory.CreateDirectory(parentDir);
        EnableControllers(root);
        EnableControllers(parentDir);
        var dir = Path.Combine(parentDir, id);
        Directory.CreateDirectory(dir);
        created.Add(dir);
        if (limits.MemoryBytes is { } mem)
        {
            Write(dir, "memory.max", mem);
            WriteIfExists(dir, "memory.swap.max", "0");
        }
        if (limits.Pids is { } pids)
            Write(dir, "pids.max", pids);
        if (limits.CpuQuotaMicros is { } quota)
            File.WriteAllText(Path.Combine(dir, "cpu.max"), string.Create(CultureInfo.InvariantCulture, $"{quota} {limits.CpuPeriodMicros}"));
        if (limits.CpuShares is { } shares)
            Write(dir, "cpu.weight", SharesToWeight(shares));
        return new StepCgroup([dir], dir, v2: true, limits.MemoryBytes);
    }

    private static StepCgroup CreateV1(CgroupLayout layout, string parent, string id, ResourceLimits limits, List<string> created)
    {
        string? memoryDir = null;
        string Make(string controller)
        {
            if (!layout.V1Roots.TryGetValue(controller, out var mountPoint))
                throw new BuildException(ErrorCode.SandboxFailed, $"the cgroup controller '{controller}' is not mounted; cannot apply the step's limits");
            var dir = Path.Combine(mountPoint, parent, id);
            Directory.CreateDirectory(dir);
            created.Add(dir);
            return dir;
        }
        // The memory cgroup is always made: it is where an OOM kill is counted.
        memoryDir = Make("memory");
        if (limits.MemoryBytes is { } mem)
        {
            Write(memoryDir, "memory.limit_in_bytes", mem);
            // memsw = memory means no swap on top of the limit, as Docker's --memory alone does not
            // promise but BuildKit users expect a hard limit.
            WriteIfExists(memoryDir, "memory.memsw.limit_in_bytes", mem.ToString(CultureInfo.InvariantCulture));
        }
        if (limits.Pids is { } pids)
            Write(Make("pids"), "pids.max", pids);
        if (limits.CpuQuotaMicros is not null || limits.CpuShares is not null)
        {
            var cpu = Make("cpu");
            if (limits.CpuShares is { } shares)
                Write(cpu, "cpu.shares", shares);
            if (limits.CpuQuotaMicros is { } quota)
            {
                Write(cpu, "cpu.cfs_period_us", limits.CpuPeriodMicros);
                Write(cpu, "cpu.cfs_quota_us", quota);
            }
        }
        return new StepCgroup([.. created], memoryDir, v2: false, limits.MemoryBytes);
    }

    /// <summary>How many processes of the step the OOM killer killed.</summary>
    public long OomKills() => _memoryDir is null ? 0 : ReadOomKills(_memoryDir, _v2);

    /// <summary>The OOM kill counter of a memory cgroup directory (0 when unreadable).</summary>
    public static long ReadOomKills(string memoryDir, bool v2)
    {
        // v2: memory.events "oom_kill N"; v1: memory.oom_control "oom_kill N" (kernel 4.13+).
        var file = Path.Combine(memoryDir, v2 ? "memory.events" : "memory.oom_control");
        try
        {
            foreach (var line in File.ReadAllLines(file))
                if (line.StartsWith("oom_kill ", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(9), CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
        }
        return 0;
    }

    public void Dispose()
    {
        foreach (var dir in _dirs)
            TryRemove(dir);
    }

    private static void TryRemove(string dir)
    {
        // The last process has exited when the sandbox reports, but the kernel may take a moment to
        // release the cgroup (EBUSY); retry briefly rather than leak directories.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                Directory.Delete(dir);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (IOException)
            {
                Thread.Sleep(5);
            }
        }
    }

    private static void EnableControllers(string dir)
    {
        var available = File.ReadAllText(Path.Combine(dir, "cgroup.controllers")).Split(' ', '\n', StringSplitOptions.RemoveEmptyEntries);
        var enabled = File.ReadAllText(Path.Combine(dir, "cgroup.subtree_control")).Split(' ', '\n', StringSplitOptions.RemoveEmptyEntries);
        var wanted = new[] { "memory", "pids", "cpu" }.Where(c => available.Contains(c) && !enabled.Contains(c)).ToArray();
        if (wanted.Length > 0)
            File.WriteAllText(Path.Combine(dir, "cgroup.subtree_control"), string.Join(' ', wanted.Select(c => "+" + c)));
    }

    private static void Write(string dir, string file, long value) =>
        File.WriteAllText(Path.Combine(dir, file), value.ToString(CultureInfo.InvariantCulture));

    private static void WriteIfExists(string dir, string file, string value)
    {
        var path = Path.Combine(dir, file);
        if (File.Exists(path))
            File.WriteAllText(path, value);
    }

    /// <summary>The OCI runtime spec's conversion of v1 shares (2..262144) to v2 weight (1..10000).</summary>
    internal static long SharesToWeight(long shares) =>
        shares <= 0 ? 100 : 1 + ((Math.Clamp(shares, 2, 262144) - 2) * 9999 / 262142);
}
