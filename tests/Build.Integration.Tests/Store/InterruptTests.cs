using Build.Integration.Tests.EndToEnd;
using Build.Integration.Tests.Support;

namespace Build.Integration.Tests.Store;

/// <summary>Ctrl-C (SIGINT) or SIGTERM during a RUN: the build stops, cleans up, exits non-zero with one line, and the store stays consistent.</summary>
public sealed class InterruptTests : IDisposable
{
    private readonly BuildHarness harness = new();

    public void Dispose() => harness.Dispose();

    [RootTheory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task A_signal_during_a_build_leaves_a_consistent_store_and_one_error_line(string signal)
    {
        await harness.MakeBaseImageAsync();
        harness.Write("Dockerfile", """
            FROM busybox:test
            COPY a.txt /a.txt
            RUN sleep 60
            """);
        harness.Write("a.txt", signal);
        using var build = BuilderProcess.Start("--root", harness.Root, "build", "--progress", "plain", "-t", "x:1", harness.Context);
        while (!build.HasExited && !build.Lines.Any(l => l.Contains("RUN sleep 60", StringComparison.Ordinal)))
            await Task.Delay(10);
        await Task.Delay(500); // inside the sandbox by now
        build.Signal(signal);
        Assert.True(await build.WaitAsync(TimeSpan.FromSeconds(30)), "the build did not stop after SIG" + signal);

        Assert.NotEqual(0, build.ExitCode);
        var errors = build.Lines.Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        string error = Assert.Single(errors);
        Assert.Contains("cancel", error, StringComparison.Ordinal);
        Assert.Equal(error, build.Lines.Last(l => l.Length > 0));
        Assert.DoesNotContain(build.Lines, l => l.Contains("   at ", StringComparison.Ordinal)); // no stack trace
        // It cleaned up after itself: no mount, no work dir, no lease; verify is clean; the next build works.
        Assert.Empty(StoreAssertions.MountsUnder(harness.Root));
        Assert.Empty(StoreAssertions.Leftovers(harness.Root));
        StoreAssertions.VerifyClean(harness.Root);
        harness.Write("Dockerfile", "FROM busybox:test\nCOPY a.txt /a.txt\nRUN cat /a.txt > /b.txt\n");
        var (exit, _, stderr) = BuilderProcess.RunInProcess("--root", harness.Root, "build", "-t", "x:1", harness.Context);
        Assert.True(exit == 0, stderr);
        Assert.Equal(signal, StoreAssertions.RunImage(harness.Root, "x:1", "cat", "/b.txt"));
    }
}
