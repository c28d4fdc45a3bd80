using Build.Cli;
using Build.Integration.Tests.Support;

namespace Build.Integration.Tests.Execution;

public sealed class RunCommandIntegrationTests : IClassFixture<BusyboxRootfs>, IDisposable
{
    private readonly BusyboxRootfs _busybox;
    private readonly TempDirectory _tmp = new("builder-runcmd");

    public RunCommandIntegrationTests(BusyboxRootfs busybox) => _busybox = busybox;

    public void Dispose() => _tmp.Dispose();

    [RootFact]
    public void Run_in_a_rootfs_streams_output_and_returns_the_exit_code()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliApp.Run(["--root", _tmp.Combine("root"), "run", "--network", "none", "--rootfs", _busybox.Path, "-u", "app",
            "--", "/bin/sh", "-c", "id -un; echo err >&2; touch /tmp/written; exit 5"], stdout, stderr);
        Assert.Equal(5, code);
        Assert.Equal("app\n", stdout.ToString());
        Assert.Equal("err\n", stderr.ToString());
        // The rootfs is a read-only lower layer: the run's writes went to a discarded overlay.
        Assert.False(File.Exists(Path.Combine(_busybox.Path, "tmp/written")));
    }

    [RootFact]
    public void Memory_limit_exceeded_is_reported()
    {
        var stderr = new StringWriter();
        var code = CliApp.Run(["--root", _tmp.Combine("root"), "run", "-m", "32m", "--rootfs", _busybox.Path,
            "--", "awk", "BEGIN { s = \"xxxxxxxxxxxxxxxx\"; while (1) s = s s }"], new StringWriter(), stderr);
        Assert.NotEqual(0, code);
        Assert.Contains("killed: out of memory (limit 32 MiB)", stderr.ToString(), StringComparison.Ordinal);
    }
}
