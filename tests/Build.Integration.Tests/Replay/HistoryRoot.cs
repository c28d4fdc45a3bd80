using Build.Engine;
using Build.Engine.Content;
using Build.Engine.Solving;
using Build.Integration.Tests.Support;

namespace Build.Integration.Tests.Replay;

/// <summary>
/// A builder root holding the base images of testdata/histories (<c>busybox:local</c> from the busybox-static
/// rootfs, <c>builder-tools:local</c> with the stand-in npm/go/pip), and the generated histories. Made once per
/// test class, lazily (so skipped tests cost nothing). Replays in tests use <c>Fresh</c>, so this root only lends
/// its base images and the root stays as made.
/// </summary>
public sealed class HistoryRoot : IDisposable
{
    private readonly TempDirectory dir = new("builder-replay");
    private readonly SemaphoreSlim gate = new(1, 1);
    private bool made;

    public string Root => dir.Combine("root");

    public string Combine(params string[] parts) => dir.Combine(parts);

    public async Task EnsureAsync()
    {
        await gate.WaitAsync();
        try
        {
            if (!made)
                await MakeBaseImagesAsync(Root);
            made = true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Builds the two base images into <paramref name="root"/>.</summary>
    public async Task MakeBaseImagesAsync(string root)
    {
        string context = dir.Combine("busybox-context");
        if (!Directory.Exists(context))
        {
            TempDirectory.Run(Path.Combine(TestRepository.Root, "testdata/rootfs/make-busybox-rootfs.sh"), Path.Combine(context, "rootfs"));
            await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), "FROM scratch\nENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nCOPY rootfs/ /\nCMD [\"/bin/sh\"]\n");
        }
        var service = new BuildService(new BuilderRoot(root), TimeProvider.System, _ => null);
        await service.BuildAsync(new BuildRequest { ContextDirectory = context, Tags = ["busybox:local"] }, EventCollector.None, CancellationToken.None);
        await service.BuildAsync(new BuildRequest { ContextDirectory = Path.Combine(TestRepository.Root, "testdata/histories/base"), Tags = ["builder-tools:local"] }, EventCollector.None, CancellationToken.None);
    }

    /// <summary>Runs a generator of testdata/histories into a new directory and returns it.</summary>
    public string Generate(string script, int commits)
    {
        string target = dir.Combine("histories", script + "-" + commits + "-" + Guid.NewGuid().ToString("N")[..6]);
        TempDirectory.Run(Path.Combine(TestRepository.Root, "testdata/histories", script + ".sh"), target, commits.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return target;
    }

    public void Dispose()
    {
        gate.Dispose();
        dir.Dispose();
    }
}
