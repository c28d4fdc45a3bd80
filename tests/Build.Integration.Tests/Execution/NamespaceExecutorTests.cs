using System.Globalization;
using Build.Engine.Execution;
using Build.Integration.Tests.Support;

namespace Build.Integration.Tests.Execution;

/// <summary>The contract through Builder's own sandbox, plus what only it does (its init process).</summary>
public sealed class NamespaceExecutorTests(BusyboxRootfs busybox) : ExecutorContractTests(busybox)
{
    protected override IExecutor CreateExecutor(string stateDirectory) => new NamespaceExecutor(new SandboxOptions(stateDirectory));

    [RootFact]
    public async Task Only_the_steps_processes_are_visible()
    {
        var (_, output) = await Sh(
            $"ls /proc | grep -c '^[0-9]*$'; cat /proc/1/cmdline | tr '\\0' ' '; echo; test -e /proc/{Environment.ProcessId} && echo HOSTPID");
        var lines = output.Stdout.Split('\n');
        Assert.InRange(int.Parse(lines[0], CultureInfo.InvariantCulture), 2, 6);
        Assert.Contains("builder-sandbox", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("HOSTPID", output.Stdout, StringComparison.Ordinal);
    }
}
