using System.Text.Json;

namespace Build.Engine.Execution;

/// <summary>
/// Writes the OCI runtime-spec <c>config.json</c> (runtime-spec 1.0.2) that makes runc run an
/// <see cref="ExecSpec"/> the way <see cref="NamespaceExecutor"/> does: the same namespaces, mounts,
/// masked and read-only /proc paths, capabilities, user, no_new_privs and cgroup limits. Pure.
/// </summary>
public static class OciRuntimeSpec
{
    /// <summary>Capability names by bit (linux/capability.h), for the spec's string lists.</summary>
    private static readonly string[] CapabilityNames =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
        "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
        "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
        "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
        "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    /// <summary>Docker's masked paths: they expose host state.</summary>
    internal static readonly string[] MaskedPaths =
    [
        "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
    ];

    /// <summary>Docker's read-only paths: writing them would change the host.</summary>
    internal static readonly string[] ReadonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

    /// <summary>The mount targets the spec adds itself, before <paramref name="systemMounts"/> and the step's mounts.</summary>
    internal static readonly string[] BaseMountTargets = ["/proc", "/dev", "/sys"];

    /// <param name="spec">The step; <see cref="ExecSpec.RootfsPath"/> must already be the mounted root.</param>
    /// <param name="systemMounts">The /etc files (bind mounts), mounted before the step's own mounts.</param>
    /// <param name="cgroupsPath">The step's cgroup, relative to the hierarchy roots (e.g. <c>/builder/ab12</c>).</param>
    /// <param name="openFiles">RLIMIT_NOFILE (soft, hard) to give the process, or null to set none.</param>
    public static byte[] Write(ExecSpec spec, IEnumerable<ExecMount> systemMounts, string cgroupsPath, (ulong Soft, ulong Hard)? openFiles)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(systemMounts);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("ociVersion", "1.0.2");
            WriteProcess(w, spec, openFiles);
            w.WriteStartObject("root");
            w.WriteString("path", spec.RootfsPath);
            w.WriteBoolean("readonly", false);
            w.WriteEndObject();
            w.WriteString("hostname", spec.Hostname);
            WriteMounts(w, spec, systemMounts);
            WriteLinux(w, spec, cgroupsPath);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteProcess(Utf8JsonWriter w, ExecSpec spec, (ulong Soft, ulong Hard)? openFiles)
    {
        w.WriteStartObject("process");
        w.WriteBoolean("terminal", false);
        w.WriteStartObject("user");
        w.WriteNumber("uid", spec.User.Uid);
        w.WriteNumber("gid", spec.User.Gid);
        w.WriteStartArray("additionalGids");
        foreach (var g in spec.User.AdditionalGids)
            w.WriteNumberValue(g);
        w.WriteEndArray();
        w.WriteEndObject();
        Strings(w, "args", spec.Args);
        Strings(w, "env", spec.Env);
        w.WriteString("cwd", spec.WorkingDirectory);
        // As in the namespace sandbox: root keeps exactly this set across exec, any other uid starts
        // with none (the kernel clears permitted/effective on exec for a non-root uid without ambient caps).
        var caps = Enumerable.Range(0, CapabilityNames.Length).Where(c => (spec.Capabilities & (1UL << c)) != 0)
            .Select(c => CapabilityNames[c]).ToArray();
        w.WriteStartObject("capabilities");
        Strings(w, "bounding", caps);
        Strings(w, "effective", caps);
        Strings(w, "permitted", caps);
        Strings(w, "inheritable", []);
        Strings(w, "ambient", []);
        w.WriteEndObject();
        if (openFiles is { } nofile)
        {
            w.WriteStartArray("rlimits");
            w.WriteStartObject();
            w.WriteString("type", "RLIMIT_NOFILE");
            w.WriteNumber("hard", nofile.Hard);
            w.WriteNumber("soft", nofile.Soft);
            w.WriteEndObject();
            w.WriteEndArray();
        }
        w.WriteBoolean("noNewPrivileges", spec.NoNewPrivileges);
        w.WriteEndObject();
    }

    private static void WriteMounts(Utf8JsonWriter w, ExecSpec spec, IEnumerable<ExecMount> systemMounts)
    {
        w.WriteStartArray("mounts");
        Mount(w, "/proc", "proc", "proc", ["nosuid", "noexec", "nodev"]);
        Mount(w, "/dev", "tmpfs", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]);
        Mount(w, "/dev/pts", "devpts", "devpts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]);
        Mount(w, "/dev/shm", "tmpfs", "shm", ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]);
        Mount(w, "/dev/mqueue", "mqueue", "mqueue", ["nosuid", "noexec", "nodev"]);
        Mount(w, "/sys", "sysfs", "sysfs", ["nosuid", "noexec", "nodev", "ro"]);
        foreach (var m in systemMounts.Concat(spec.Mounts))
        {
            switch (m)
            {
                case BindMount bind:
                    Mount(w, bind.Target, "bind", bind.Source, bind.ReadOnly ? ["rbind", "ro", "nosuid", "nodev"] : ["rbind", "rw"]);
                    break;
                case TmpfsMount tmpfs:
                    Mount(w, tmpfs.Target, "tmpfs", "tmpfs", tmpfs.SizeBytes is { } size
                        ? ["nosuid", "nodev", "mode=1777", "size=" + size.ToString(System.Globalization.CultureInfo.InvariantCulture)]
                        : ["nosuid", "nodev", "mode=1777"]);
                    break;
                default:
                    throw new ArgumentException($"unsupported mount type {m.GetType().Name}", nameof(spec));
            }
        }
        w.WriteEndArray();
    }

    private static void WriteLinux(Utf8JsonWriter w, ExecSpec spec, string cgroupsPath)
    {
        w.WriteStartObject("linux");
        w.WriteStartArray("namespaces");
        foreach (var ns in (string[])["pid", "ipc", "uts", "mount"])
        {
            w.WriteStartObject();
            w.WriteString("type", ns);
            w.WriteEndObject();
        }
        if (spec.Network == NetworkMode.None)
        {
            // A new network namespace: runc brings up its loopback interface, nothing else.
            w.WriteStartObject();
            w.WriteString("type", "network");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        Strings(w, "maskedPaths", MaskedPaths);
        Strings(w, "readonlyPaths", ReadonlyPaths);
        w.WriteString("cgroupsPath", cgroupsPath);
        w.WriteStartObject("resources");
        w.WriteStartArray("devices");
        w.WriteStartObject();
        w.WriteBoolean("allow", false);
        w.WriteString("access", "rwm");
        w.WriteEndObject();
        w.WriteEndArray();
        var limits = spec.Limits;
        if (limits.MemoryBytes is { } memory)
        {
            // swap = memory: no swap on top of the limit, as the namespace sandbox's cgroup.
            w.WriteStartObject("memory");
            w.WriteNumber("limit", memory);
            w.WriteNumber("swap", memory);
            w.WriteEndObject();
        }
        if (limits.Pids is { } pids)
        {
            w.WriteStartObject("pids");
            w.WriteNumber("limit", pids);
            w.WriteEndObject();
        }
        if (limits.CpuShares is not null || limits.CpuQuotaMicros is not null)
        {
            w.WriteStartObject("cpu");
            if (limits.CpuShares is { } shares)
                w.WriteNumber("shares", shares);
            if (limits.CpuQuotaMicros is { } quota)
            {
                w.WriteNumber("quota", quota);
                w.WriteNumber("period", limits.CpuPeriodMicros);
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Mount(Utf8JsonWriter w, string destination, string type, string source, ReadOnlySpan<string> options)
    {
        w.WriteStartObject();
        w.WriteString("destination", destination);
        w.WriteString("type", type);
        w.WriteString("source", source);
        w.WriteStartArray("options");
        foreach (var o in options)
            w.WriteStringValue(o);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
            w.WriteStringValue(v);
        w.WriteEndArray();
    }
}
