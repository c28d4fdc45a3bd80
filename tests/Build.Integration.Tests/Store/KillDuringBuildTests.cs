using System.Globalization;
using Build.Integration.Tests.EndToEnd;
using Build.Integration.Tests.Support;
using Xunit.Abstractions;

namespace Build.Integration.Tests.Store;

/// <summary>
/// <c>kill -9</c> of the real <c>builder build</c> process at 20 moments spread over a build with COPY, RUN and a
/// second stage; after each, a build succeeds, <c>builder verify</c> is clean and the image is right. The moments are
/// fractions of a calibrated build time drawn from a seed printed in the output (set BUILDER_FAULT_SEED to replay).
/// </summary>
public sealed class KillDuringBuildTests(ITestOutputHelper output) : IDisposable
{
    private const string Dockerfile = """
        FROM busybox:test AS build
        COPY src/ /src/
        RUN cat /src/a.txt /src/b.txt > /out.txt && head -c 400000 /dev/urandom > /noise.bin
        FROM busybox:test
        WORKDIR /app
        COPY --from=build /out.txt /app/out.txt
        COPY src/b.txt /app/b.txt
        RUN wc -l < /app/out.txt > /app/lines
        """;

    private readonly BuildHarness harness = new();

    public void Dispose() => harness.Dispose();

    private string[] BuildArgs => ["--root", harness.Root, "build", "--progress", "plain", "-t", "fault:latest", harness.Context];

    [RootFact]
    public async Task Kill_9_at_20_moments_then_build_and_verify()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("BUILDER_FAULT_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int s)
            ? s : Random.Shared.Next(1, 1_000_000);
        output.WriteLine($"fault seed {seed} (BUILDER_FAULT_SEED={seed} replays these moments)");
        var random = new Random(seed);
        await harness.MakeBaseImageAsync();
        harness.Write("Dockerfile", Dockerfile);
        harness.Write("src/b.txt", "second file\n");

        // Calibrate: cold builds of this Dockerfile as a process: when the first progress line appears, and the exit.
        await TimeColdBuildAsync("calibration-1\n");
        var (first, full) = await TimeColdBuildAsync("calibration-2\n");
        output.WriteLine($"cold build as a process: first progress line at {first.TotalSeconds:0.00}s, exit at {full.TotalSeconds:0.00}s");
        // A moment is a fraction of the build after its first progress line (so start-up jitter on a loaded machine
        // does not bunch them up); a tenth of them fall in the process start-up instead. The span is the shortest one
        // seen so far: a build that finishes before its moment shows the calibration ran slow (other test classes run
        // beside this one), and later moments then fall inside the builds again.
        var rest = full - first;

        int killed = 0;
        for (int i = 0; i < 20; i++)
        {
            // Every iteration changes a.txt, so COPY, RUN and the second stage all run again.
            harness.Write("src/a.txt", $"iteration {i}\n");
            double fraction = random.NextDouble() * 1.1 - 0.1;
            using var build = BuilderProcess.Start(BuildArgs);
            TimeSpan moment;
            bool finished;
            if (fraction < 0)
            {
                moment = first * (1 + fraction * 5);
                finished = await build.WaitAsync(moment);
            }
            else
            {
                while (!build.HasExited && !build.Lines.Any(l => l.StartsWith('#')) && build.Elapsed < TimeSpan.FromMinutes(1))
                    await Task.Delay(2);
                var progressAt = build.Elapsed;
                var after = rest * fraction;
                finished = await build.WaitAsync(after);
                moment = build.Elapsed;
                if (finished && moment - progressAt < rest)
                    rest = moment - progressAt;
            }
            string phase = build.Lines.LastOrDefault(l => l.StartsWith('#')) ?? "(starting)";
            if (!finished)
            {
                build.Kill9();
                killed++;
            }
            output.WriteLine($"#{i}: fraction {fraction:0.000}: {(finished ? "finished before" : "kill -9 at")} {moment.TotalSeconds:0.00}s, last progress: {phase} (span now {rest.TotalSeconds:0.00}s)");

            var (exit, _, stderr) = BuilderProcess.RunInProcess(BuildArgs);
            Assert.True(exit == 0, $"#{i} (seed {seed}): the build after kill -9 at {moment.TotalSeconds:0.00}s failed: {stderr}");
            StoreAssertions.VerifyClean(harness.Root);
            Assert.Equal($"iteration {i}\nsecond file\n", StoreAssertions.RunImage(harness.Root, "fault:latest", "cat", "/app/out.txt"));
        }
        Assert.True(killed >= 10, $"only {killed} of 20 builds were killed mid-way; the calibration is off");

        // What the killed builds left (temp files, work dirs, overlays still mounted, dead leases) is garbage: prune takes it.
        output.WriteLine($"before prune: {StoreAssertions.MountsUnder(harness.Root).Length} mounts and {StoreAssertions.Leftovers(harness.Root).Length} leftovers under the root");
        var (pruneExit, pruneOut, pruneErr) = BuilderProcess.RunInProcess("--root", harness.Root, "prune", "-f");
        Assert.True(pruneExit == 0, pruneErr);
        output.WriteLine(pruneOut);
        Assert.Empty(StoreAssertions.Leftovers(harness.Root));
        Assert.Empty(StoreAssertions.MountsUnder(harness.Root));
        StoreAssertions.VerifyClean(harness.Root);
        var (again, _, againErr) = BuilderProcess.RunInProcess(BuildArgs);
        Assert.True(again == 0, againErr);
        Assert.Equal("2\n", StoreAssertions.RunImage(harness.Root, "fault:latest", "cat", "/app/lines"));
    }

    private async Task<(TimeSpan FirstProgress, TimeSpan Exit)> TimeColdBuildAsync(string content)
    {
        harness.Write("src/a.txt", content);
        using var build = BuilderProcess.Start(BuildArgs);
        var first = TimeSpan.Zero;
        while (!build.HasExited && first == TimeSpan.Zero)
        {
            if (build.Lines.Any(l => l.StartsWith('#')))
                first = build.Elapsed;
            await Task.Delay(5);
        }
        Assert.True(await build.WaitAsync(TimeSpan.FromMinutes(2)), "calibration build timed out");
        Assert.True(build.ExitCode == 0, string.Join('\n', build.Lines));
        return (first == TimeSpan.Zero ? build.Elapsed / 2 : first, build.Elapsed);
    }
}
