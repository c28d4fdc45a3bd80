using System.Collections.Immutable;
using System.Text.Json;
using Build.Engine.Execution;

namespace Build.Engine.Tests.Execution;

public sealed class OciRuntimeSpecTests
{
    private static JsonElement Config(ExecSpec spec, (ulong, ulong)? nofile = null) =>
        JsonDocument.Parse(OciRuntimeSpec.Write(spec,
            [new BindMount("/state/hosts", "/etc/hosts", ReadOnly: false)], "/builder/abc", nofile)).RootElement;

    private static readonly ExecSpec Step = new()
    {
        RootfsPath = "/snap/root",
        Args = ["/bin/sh", "-c", "make"],
        Env = ["PATH=/bin", "A=b c"],
        WorkingDirectory = "/src",
        User = new ExecUser(1000, 50, [10, 20], "/home/app"),
        Hostname = "box",
    };

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public void Process_has_the_command_user_env_cwd_and_no_new_privs()
    {
        var c = Config(Step, (1024, 4096));
        var p = c.GetProperty("process");
        Assert.Equal("1.0.2", c.GetProperty("ociVersion").GetString());
        Assert.Equal(["/bin/sh", "-c", "make"], Strings(p.GetProperty("args")));
        Assert.Equal(["PATH=/bin", "A=b c"], Strings(p.GetProperty("env")));
        Assert.Equal("/src", p.GetProperty("cwd").GetString());
        Assert.Equal(1000u, p.GetProperty("user").GetProperty("uid").GetUInt32());
        Assert.Equal(50u, p.GetProperty("user").GetProperty("gid").GetUInt32());
        Assert.Equal([10u, 20u], p.GetProperty("user").GetProperty("additionalGids").EnumerateArray().Select(e => e.GetUInt32()));
        Assert.True(p.GetProperty("noNewPrivileges").GetBoolean());
        Assert.False(p.GetProperty("terminal").GetBoolean());
        var rlimit = Assert.Single(p.GetProperty("rlimits").EnumerateArray());
        Assert.Equal("RLIMIT_NOFILE", rlimit.GetProperty("type").GetString());
        Assert.Equal(4096ul, rlimit.GetProperty("hard").GetUInt64());
        Assert.Equal("/snap/root", c.GetProperty("root").GetProperty("path").GetString());
        Assert.Equal("box", c.GetProperty("hostname").GetString());
    }

    [Fact]
    public void Capabilities_are_the_specs_bounding_set_and_nothing_inheritable()
    {
        var caps = Config(Step).GetProperty("process").GetProperty("capabilities");
        var expected = new[] { "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
            "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP" };
        Assert.Equal(expected, Strings(caps.GetProperty("bounding")));
        Assert.Equal(expected, Strings(caps.GetProperty("effective")));
        Assert.Empty(Strings(caps.GetProperty("inheritable")));
        Assert.Empty(Strings(caps.GetProperty("ambient")));
        Assert.DoesNotContain("CAP_SYS_ADMIN", Strings(caps.GetProperty("bounding")));
    }

    [Fact]
    public void Network_none_adds_a_network_namespace_and_host_does_not()
    {
        static string[] Namespaces(NetworkMode mode) =>
            [.. Config(Step with { Network = mode }).GetProperty("linux").GetProperty("namespaces").EnumerateArray().Select(n => n.GetProperty("type").GetString()!)];
        Assert.Equal(["pid", "ipc", "uts", "mount", "network"], Namespaces(NetworkMode.None));
        Assert.Equal(["pid", "ipc", "uts", "mount"], Namespaces(NetworkMode.Host));
    }

    [Fact]
    public void Mounts_give_proc_dev_sys_then_etc_files_then_the_steps_mounts()
    {
        var spec = Step with { Mounts = [new BindMount("/ctx", "/src", ReadOnly: true), new TmpfsMount("/tmp/t", 1 << 20)] };
        var mounts = Config(spec).GetProperty("mounts").EnumerateArray().ToArray();
        Assert.Equal(["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/etc/hosts", "/src", "/tmp/t"],
            mounts.Select(m => m.GetProperty("destination").GetString()));
        Assert.Contains("ro", Strings(mounts[5].GetProperty("options")));
        Assert.Equal("/ctx", mounts[7].GetProperty("source").GetString());
        Assert.Equal(["rbind", "ro", "nosuid", "nodev"], Strings(mounts[7].GetProperty("options")));
        Assert.Equal(["rbind", "rw"], Strings(mounts[6].GetProperty("options")));
        Assert.Contains("size=1048576", Strings(mounts[8].GetProperty("options")));
    }

    [Fact]
    public void Limits_become_cgroup_resources()
    {
        var linux = Config(Step with { Limits = new ResourceLimits(MemoryBytes: 64 << 20, Pids: 32, CpuShares: 512, CpuQuotaMicros: 50_000) }).GetProperty("linux");
        var r = linux.GetProperty("resources");
        Assert.Equal("/builder/abc", linux.GetProperty("cgroupsPath").GetString());
        Assert.Equal(64L << 20, r.GetProperty("memory").GetProperty("limit").GetInt64());
        Assert.Equal(64L << 20, r.GetProperty("memory").GetProperty("swap").GetInt64());
        Assert.Equal(32, r.GetProperty("pids").GetProperty("limit").GetInt64());
        Assert.Equal(512, r.GetProperty("cpu").GetProperty("shares").GetInt64());
        Assert.Equal(50_000, r.GetProperty("cpu").GetProperty("quota").GetInt64());
        Assert.Equal(100_000, r.GetProperty("cpu").GetProperty("period").GetInt64());
        Assert.Contains("/proc/kcore", Strings(linux.GetProperty("maskedPaths")));
        Assert.Contains("/proc/sys", Strings(linux.GetProperty("readonlyPaths")));
        var unlimited = Config(Step).GetProperty("linux").GetProperty("resources");
        Assert.False(unlimited.TryGetProperty("memory", out _));
        Assert.False(unlimited.TryGetProperty("pids", out _));
    }
}
