using System.Collections.Immutable;
using Build.Engine.Execution;

namespace Build.Engine.Tests.Execution;

public sealed class ExecPureTests
{
    [Fact]
    public void Hosts_file_names_localhost_and_the_hostname()
    {
        Assert.StartsWith("127.0.0.1\tlocalhost box\n", EtcFiles.Hosts("box"), StringComparison.Ordinal);
    }

    [Fact]
    public void Resolv_conf_is_the_hosts_for_host_networking()
    {
        const string host = "nameserver 127.0.0.53\nsearch lan\n";
        Assert.Equal(host, EtcFiles.ResolvConf(host, NetworkMode.Host));
    }

    [Fact]
    public void Resolv_conf_drops_loopback_nameservers_in_a_new_netns()
    {
        Assert.Equal("search lan\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n",
            EtcFiles.ResolvConf("nameserver 127.0.0.53\nsearch lan\n", NetworkMode.None));
        Assert.Equal("nameserver 10.0.0.2\n", EtcFiles.ResolvConf("nameserver 10.0.0.2\nnameserver ::1\n", NetworkMode.None));
        Assert.Equal("nameserver 8.8.8.8\nnameserver 8.8.4.4\n", EtcFiles.ResolvConf(null, NetworkMode.Host));
    }

    [Fact]
    public void Cgroup_layout_detects_hybrid_v1_controllers()
    {
        const string mountinfo =
            "30 24 0:26 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755\n" +
            "31 30 0:27 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory\n" +
            "32 30 0:28 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n" +
            "33 30 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n" +
            "34 30 0:30 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
        var layout = CgroupLayout.Parse(mountinfo, path => path == "/sys/fs/cgroup/unified/cgroup.controllers" ? "\n" : null);
        Assert.False(layout.IsV2);
        Assert.Equal("/sys/fs/cgroup/memory", layout.V1Roots["memory"]);
        Assert.Equal("/sys/fs/cgroup/pids", layout.V1Roots["pids"]);
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct", layout.V1Roots["cpu"]);
    }

    [Fact]
    public void Cgroup_layout_prefers_v2_with_controllers()
    {
        const string mountinfo = "34 30 0:30 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
        var layout = CgroupLayout.Parse(mountinfo, path => path == "/sys/fs/cgroup/cgroup.controllers" ? "cpuset cpu io memory pids\n" : null);
        Assert.True(layout.IsV2);
        Assert.Equal("/sys/fs/cgroup", layout.UnifiedRoot);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(1024, 39)]
    [InlineData(262144, 10000)]
    public void Cpu_shares_convert_to_v2_weight_as_the_oci_spec_says(long shares, long weight)
    {
        Assert.Equal(weight, StepCgroup.SharesToWeight(shares));
    }

    [Fact]
    public void Result_describes_oom_signal_timeout_and_exit()
    {
        var ok = new ExecResult(0, null, false, null, false, TimeSpan.Zero, []);
        Assert.Equal("killed: out of memory (limit 64 MiB)", (ok with { ExitCode = 137, Signal = 9, OomKilled = true, MemoryLimitBytes = 64L << 20 }).Describe());
        Assert.Equal("killed by signal 9 (SIGKILL)", (ok with { ExitCode = 137, Signal = 9 }).Describe());
        Assert.Equal("killed: timed out", (ok with { TimedOut = true }).Describe());
        Assert.Equal("exit code: 2", (ok with { ExitCode = 2 }).Describe());
        Assert.Equal("1.5 GiB", ExecResult.FormatBytes(3L << 29));
    }

    [Fact]
    public void Output_tail_keeps_last_lines_across_chunks()
    {
        var tail = new OutputTail(2);
        tail.Add(ExecStream.Stdout, "a\nb"u8);
        tail.Add(ExecStream.Stderr, "err\n"u8);
        tail.Add(ExecStream.Stdout, "c\r\nd"u8);
        Assert.Equal<IEnumerable<string>>(["bc", "d"], tail.Lines());
    }
}
