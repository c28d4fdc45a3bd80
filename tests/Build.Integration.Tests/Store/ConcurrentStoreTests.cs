using Build.Integration.Tests.EndToEnd;
using Build.Integration.Tests.Support;
using Xunit.Abstractions;

namespace Build.Integration.Tests.Store;

/// <summary>Two builder processes on one root at once: two builds, or a build and prunes.</summary>
public sealed class ConcurrentStoreTests(ITestOutputHelper output) : IDisposable
{
    private readonly BuildHarness harness = new();

    public void Dispose() => harness.Dispose();

    private string Context(string name, string dockerfile, params (string Path, string Content)[] files)
    {
        string dir = Path.Combine(Path.GetDirectoryName(harness.Root)!, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "Dockerfile"), dockerfile);
        foreach (var (path, content) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dir, path))!);
            File.WriteAllText(Path.Combine(dir, path), content);
        }
        return dir;
    }

    private string[] Build(string tag, string context, params string[] extra) =>
        ["--root", harness.Root, "build", "--progress", "plain", "-t", tag, .. extra, context];

    private async Task ExpectSuccessAsync(BuilderProcess p, string what)
    {
        Assert.True(await p.WaitAsync(TimeSpan.FromMinutes(3)), what + " timed out");
        Assert.True(p.ExitCode == 0, $"{what} failed ({p.ExitCode}):\n{string.Join('\n', p.Lines.TakeLast(30))}");
    }

    [RootFact]
    public async Task Two_builds_of_different_Dockerfiles_at_once_on_one_root()
    {
        await harness.MakeBaseImageAsync();
        // Both share the base image (one unpack of its layer, guarded by the layer lock) and write records and blobs at once.
        string a = Context("ctx-a", """
            FROM busybox:test AS gen
            COPY words.txt /words.txt
            RUN sort /words.txt > /sorted.txt && head -c 300000 /dev/urandom > /noise
            FROM busybox:test
            COPY --from=gen /sorted.txt /out/result
            RUN echo built-a >> /out/result
            """, ("words.txt", "pear\napple\nfig\n"));
        string b = Context("ctx-b", """
            FROM busybox:test
            WORKDIR /data
            COPY numbers.txt .
            RUN awk '{ s += $1 } END { print s }' numbers.txt > /data/sum && head -c 300000 /dev/urandom > /noise
            RUN echo built-b > /data/who
            """, ("numbers.txt", "1\n2\n39\n"));

        using (var pa = BuilderProcess.Start(Build("app-a:1", a)))
        using (var pb = BuilderProcess.Start(Build("app-b:1", b)))
        {
            await ExpectSuccessAsync(pa, "build A");
            await ExpectSuccessAsync(pb, "build B");
        }
        StoreAssertions.VerifyClean(harness.Root);
        Assert.Equal("apple\nfig\npear\nbuilt-a\n", StoreAssertions.RunImage(harness.Root, "app-a:1", "cat", "/out/result"));
        Assert.Equal("42\n", StoreAssertions.RunImage(harness.Root, "app-b:1", "cat", "/data/sum"));
        Assert.Equal("built-b\n", StoreAssertions.RunImage(harness.Root, "app-b:1", "cat", "/data/who"));

        // Both again at once, now from the cache: every step is a hit in both.
        using (var pa = BuilderProcess.Start(Build("app-a:2", a)))
        using (var pb = BuilderProcess.Start(Build("app-b:2", b)))
        {
            await ExpectSuccessAsync(pa, "cached build A");
            await ExpectSuccessAsync(pb, "cached build B");
            Assert.Contains(pa.Lines, l => l.Contains("0 executed", StringComparison.Ordinal));
            Assert.Contains(pb.Lines, l => l.Contains("0 executed", StringComparison.Ordinal));
        }
        StoreAssertions.VerifyClean(harness.Root);
        Assert.Empty(StoreAssertions.Leftovers(harness.Root));
    }

    [RootFact]
    public async Task Prune_beside_a_running_build_keeps_everything_the_build_uses()
    {
        await harness.MakeBaseImageAsync();
        string dockerfile = """
            FROM busybox:test AS gen
            COPY in.txt /in.txt
            RUN tr a-z A-Z < /in.txt > /up.txt && head -c 300000 /dev/urandom > /noise
            FROM busybox:test
            COPY --from=gen /up.txt /app/up.txt
            ARG SLOW=0
            RUN sleep $SLOW && echo "slept $SLOW" > /app/slept
            """;
        string ctx = Context("ctx", dockerfile, ("in.txt", "hello\n"));
        // A first build fills the cache; its image is removed, so only the cache records keep those layers.
        var (exit, _, err) = BuilderProcess.RunInProcess(Build("cached:1", ctx));
        Assert.True(exit == 0, err);
        Assert.Equal(0, BuilderProcess.RunInProcess("--root", harness.Root, "rmi", "cached:1").Exit);
        // Make that cache an hour old, so only the build's own claims (touch under the store lock) can keep it.
        var hourAgo = DateTime.UtcNow.AddHours(-1);
        foreach (string blob in Directory.GetFiles(Path.Combine(harness.Root, "blobs", "sha256")))
            File.SetLastWriteTimeUtc(blob, hourAgo);
        foreach (string layer in Directory.GetDirectories(Path.Combine(harness.Root, "snapshots", "layers")))
            Directory.SetLastWriteTimeUtc(layer, hourAgo);

        // The second build hits the first stage (reusing blobs and unpacked layers only records keep), then sleeps in a
        // RUN while prune --all deletes every record, again and again.
        using var build = BuilderProcess.Start(Build("slow:1", ctx, "--build-arg", "SLOW=3"));
        while (!build.HasExited && !build.Lines.Any(l => l.Contains("RUN sleep", StringComparison.Ordinal)))
            await Task.Delay(10);
        int prunes = 0;
        long reclaimed = 0;
        while (!build.HasExited)
        {
            var (pe, po, perr) = BuilderProcess.RunInProcess("--root", harness.Root, "prune", "--all", "-f");
            Assert.True(pe == 0, perr);
            reclaimed += po.Split('\n').Count(l => l.StartsWith("sha256:", StringComparison.Ordinal));
            prunes++;
        }
        output.WriteLine($"{prunes} prunes ran beside the build and deleted {reclaimed} records");
        Assert.True(prunes >= 1);
        await ExpectSuccessAsync(build, "the build beside prune");
        StoreAssertions.VerifyClean(harness.Root);
        Assert.Equal("HELLO\n", StoreAssertions.RunImage(harness.Root, "slow:1", "cat", "/app/up.txt"));
        Assert.Equal("slept 3\n", StoreAssertions.RunImage(harness.Root, "slow:1", "cat", "/app/slept"));

        // And the other way round: builds start while a prune of everything runs.
        using var p1 = BuilderProcess.Start("--root", harness.Root, "prune", "--all", "-f");
        using var b1 = BuilderProcess.Start(Build("again:1", ctx, "--build-arg", "SLOW=1"));
        await ExpectSuccessAsync(p1, "prune beside a starting build");
        await ExpectSuccessAsync(b1, "a build starting beside prune");
        StoreAssertions.VerifyClean(harness.Root);
        Assert.Equal("HELLO\n", StoreAssertions.RunImage(harness.Root, "again:1", "cat", "/app/up.txt"));
    }
}
