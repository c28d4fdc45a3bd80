using Build.Engine.Content;
using Build.Engine.Oci;

namespace Build.Integration.Tests.Oci;

/// <summary>
/// A store holding "busybox:test": the busybox-static rootfs (testdata/rootfs/make-busybox-rootfs.sh)
/// written as one layer by the archive engine's deterministic writer, made once per test class.
/// </summary>
public sealed class BusyboxImageFixture : IAsyncLifetime
{
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "builder-it-" + Guid.NewGuid().ToString("N")[..12]);

    public ImageStore Images { get; private set; } = null!;

    public FileContentStore Content { get; private set; } = null!;

    public ImageReference Name { get; } = ImageReference.Parse("busybox:test");

    public IImage Image { get; private set; } = null!;

    public bool Available { get; private set; }

    public async Task InitializeAsync()
    {
        if (Tools.Find("busybox") is null)
            return;
        Directory.CreateDirectory(Dir);
        string script = Path.Combine(RepoRoot(), "testdata", "rootfs", "make-busybox-rootfs.sh");
        await Tools.RunAsync("bash", script, Path.Combine(Dir, "rootfs"));
        var root = new BuilderRoot(Path.Combine(Dir, "store"));
        Content = new FileContentStore(root);
        Images = new ImageStore(root, Content, TimeProvider.System);
        var options = new RootfsImportOptions
        {
            Platform = new Platform { OS = "linux", Architecture = "amd64" },
            Created = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero),
            Change = c => c with { Cmd = ["/bin/sh"], Env = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"] },
        };
        await RootfsImporter.ImportAsync(Images, Path.Combine(Dir, "rootfs"), Name, options, CancellationToken.None);
        Image = await Images.OpenAsync(Name.ToString(), null, CancellationToken.None);
        Available = true;
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(Dir))
            Directory.Delete(Dir, recursive: true);
        return Task.CompletedTask;
    }

    public string Path_(string name) => Path.Combine(Dir, name);

    private static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Builder.sln")))
            d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("Builder.sln not found above " + AppContext.BaseDirectory);
    }
}
