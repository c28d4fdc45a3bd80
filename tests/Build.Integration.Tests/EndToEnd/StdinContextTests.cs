using System.Formats.Tar;
using Build.Integration.Tests.Store;
using Build.Integration.Tests.Support;

namespace Build.Integration.Tests.EndToEnd;

/// <summary>
/// <c>builder build -</c> (the context as a tar on stdin) and <c>-f -</c> (the Dockerfile on stdin), through the real
/// executable, as <c>docker build - &lt; context.tar</c> is used in CI scripts.
/// </summary>
public sealed class StdinContextTests : IDisposable
{
    private readonly BuildHarness h = new();

    public void Dispose() => h.Dispose();

    private static byte[] Tar(params (string Name, string Content)[] files)
    {
        var ms = new MemoryStream();
        using (var tar = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                var e = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)) };
                tar.WriteEntry(e);
            }
        }
        return ms.ToArray();
    }

    [RootFact]
    public async Task A_context_tar_on_stdin_builds_and_runs()
    {
        await h.MakeBaseImageAsync();
        var context = Tar(
            ("Dockerfile", "FROM busybox:test\nCOPY msg.txt /msg.txt\nCMD [\"cat\", \"/msg.txt\"]\n"),
            ("msg.txt", "hello from stdin\n"));
        var (exit, stdout, stderr) = await BuilderProcess.RunAsync(context, "--root", h.Root, "build", "-q", "-t", "stdin:1", "-");
        Assert.True(exit == 0, stderr);
        Assert.StartsWith("sha256:", stdout.Trim(), StringComparison.Ordinal);

        var (runExit, runOut, runErr) = await BuilderProcess.RunAsync([], "--root", h.Root, "run", "--rm", "stdin:1");
        Assert.True(runExit == 0, runErr);
        Assert.Equal("hello from stdin\n", runOut);
        // The unpacked context was temporary.
        Assert.Empty(Directory.GetDirectories(Path.Combine(h.Root, "tmp"), "context-*"));

        // The same tar again: every step hits (the context's content, not its temp path, is in the keys).
        var (again, againOut, _) = await BuilderProcess.RunAsync(context, "--root", h.Root, "build", "-q", "-t", "stdin:1", "-");
        Assert.Equal(0, again);
        Assert.Equal(stdout.Trim(), againOut.Trim());
    }

    [RootFact]
    public async Task A_dockerfile_on_stdin_builds_with_a_context_directory()
    {
        await h.MakeBaseImageAsync();
        h.Write("data.txt", "from the directory\n");
        var dockerfile = System.Text.Encoding.UTF8.GetBytes("FROM busybox:test\nCOPY data.txt /data.txt\nCMD [\"cat\", \"/data.txt\"]\n");
        var (exit, _, stderr) = await BuilderProcess.RunAsync(dockerfile, "--root", h.Root, "build", "-q", "-f", "-", "-t", "stdin:2", h.Context);
        Assert.True(exit == 0, stderr);
        var (runExit, runOut, runErr) = await BuilderProcess.RunAsync([], "--root", h.Root, "run", "--rm", "stdin:2");
        Assert.True(runExit == 0, runErr);
        Assert.Equal("from the directory\n", runOut);
    }

    [RootFact]
    public async Task A_context_tar_that_climbs_out_of_its_root_is_refused_with_one_line()
    {
        string outside = Path.Combine(Path.GetTempPath(), "escape-" + Guid.NewGuid().ToString("N") + ".txt");
        var evil = Tar(("Dockerfile", "FROM scratch\n"), ("../../../../../../.." + outside, "pwned"));
        var (exit, _, stderr) = await BuilderProcess.RunAsync(evil, "--root", h.Root, "build", "-q", "-t", "evil:1", "-");
        Assert.NotEqual(0, exit);
        Assert.False(File.Exists(outside));
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error:", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }
}
