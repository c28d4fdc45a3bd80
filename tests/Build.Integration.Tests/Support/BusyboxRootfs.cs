namespace Build.Integration.Tests.Support;

/// <summary>
/// The busybox rootfs made by testdata/rootfs/make-busybox-rootfs.sh, built once per test class
/// (xunit class fixture). Tests that write get their own copy (<see cref="CopyTo"/>) or an overlay.
/// </summary>
public sealed class BusyboxRootfs : IDisposable
{
    private readonly TempDirectory _dir = new("builder-busybox");

    public BusyboxRootfs()
    {
        Path = _dir.Combine("rootfs");
        if (File.Exists("/bin/busybox") && Environment.UserName == "root")
            TempDirectory.Run(System.IO.Path.Combine(TestRepository.Root, "testdata/rootfs/make-busybox-rootfs.sh"), Path);
    }

    public string Path { get; }

    /// <summary>A private, writable copy (cp -a keeps owners, modes and links).</summary>
    public string CopyTo(string dir)
    {
        TempDirectory.Run("cp", "-a", Path, dir);
        return dir;
    }

    public void Dispose() => _dir.Dispose();
}
