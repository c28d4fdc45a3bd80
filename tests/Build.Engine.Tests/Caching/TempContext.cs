using System.Runtime.InteropServices;
using System.Text;

namespace Build.Engine.Tests.Caching;

/// <summary>A throw-away context directory with helpers to create files, links and modes.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed partial class TempContext : IDisposable
{
    public TempContext()
    {
        Parent = Directory.CreateTempSubdirectory("ctx-test").FullName;
        Root = Path.Combine(Parent, "ctx");
        Directory.CreateDirectory(Root);
    }

    /// <summary>A directory around the root, for "outside the context" files.</summary>
    public string Parent { get; }

    public string Root { get; }

    public string Host(string rel) => Path.Combine(Root, rel);

    public TempContext File(string rel, string content, UnixFileMode? mode = null)
    {
        string host = Host(rel);
        Directory.CreateDirectory(Path.GetDirectoryName(host)!);
        System.IO.File.WriteAllBytes(host, Encoding.UTF8.GetBytes(content));
        if (mode is { } m)
            System.IO.File.SetUnixFileMode(host, m);
        return this;
    }

    public TempContext Dir(string rel)
    {
        Directory.CreateDirectory(Host(rel));
        return this;
    }

    public TempContext Link(string rel, string target)
    {
        string host = Host(rel);
        Directory.CreateDirectory(Path.GetDirectoryName(host)!);
        System.IO.File.CreateSymbolicLink(host, target);
        return this;
    }

    /// <summary>Sets every entry's mtime to <paramref name="when"/> (symlinks are left alone).</summary>
    public void Touch(DateTime when)
    {
        foreach (string p in Directory.EnumerateFileSystemEntries(Root, "*", SearchOption.AllDirectories))
        {
            if (new FileInfo(p).LinkTarget is null)
                System.IO.File.SetLastWriteTimeUtc(p, when);
        }
    }

    public static bool IsRoot => Environment.UserName == "root";

    public void Chown(string rel, int uid, int gid)
    {
        if (LChown(Host(rel), uid, gid) != 0)
            throw new IOException("lchown failed: " + Marshal.GetLastPInvokeError());
    }

    [LibraryImport("libc.so.6", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LChown(string path, int uid, int gid);

    public void Dispose() => Directory.Delete(Parent, recursive: true);
}
