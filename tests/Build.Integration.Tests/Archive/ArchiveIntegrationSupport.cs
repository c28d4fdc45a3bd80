using System.Diagnostics;
using Build.Engine.Archive;
using Build.Engine.Archive.Native;

namespace Build.Integration.Tests.Archive;

internal static class ArchiveIntegrationSupport
{
    public static string NewDir(string parent, string name)
    {
        string p = Path.Combine(parent, name);
        Directory.CreateDirectory(p);
        return p;
    }

    public static string MakeTemp() => Directory.CreateTempSubdirectory("archive-it-").FullName;

    /// <summary>Deletes without following symlinks (the BCL's recursive enumeration follows directory symlinks).</summary>
    public static void RemoveTree(string path)
    {
        if (LibC.Lstat(LibC.AT_FDCWD, path, out var st) != 0)
            return;
        if (!st.IsDirectory)
        {
            LibC.UnlinkAt(LibC.AT_FDCWD, path, 0);
            return;
        }
        LibC.FchmodAt(LibC.AT_FDCWD, path, 0x1C0, 0);
        foreach (string child in Directory.EnumerateFileSystemEntries(path, "*", new EnumerationOptions { AttributesToSkip = 0 }))
            RemoveTree(child);
        LibC.UnlinkAt(LibC.AT_FDCWD, path, LibC.AT_REMOVEDIR);
    }

    public static List<string> Walk(string root)
    {
        var result = new List<string>();
        foreach (string child in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { AttributesToSkip = 0 }))
        {
            result.Add(child);
            if (LibC.Lstat(LibC.AT_FDCWD, child, out var st) == 0 && st.IsDirectory)
                result.AddRange(Walk(child));
        }
        return result;
    }

    public static FileStatus Stat(string path)
    {
        Assert.Equal(0, LibC.Lstat(LibC.AT_FDCWD, path, out var st));
        return st;
    }

    /// <summary>Every path with type, mode, owner, mtime (ns), content hash or link target, xattrs and device numbers.</summary>
    public static List<string> Snapshot(string root, bool withDirMtimes = true)
    {
        var lines = new List<string>();
        foreach (var p in Walk(root))
        {
            var st = Stat(p);
            string rel = Path.GetRelativePath(root, p);
            string extra = st.IsSymlink ? "-> " + new FileInfo(p).LinkTarget
                : st.IsRegular ? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(p))) : "";
            var xattrs = string.Join(",", LibC.ListXattrs(p).Where(x => !x.StartsWith("trusted.overlay.", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
                .Select(x => x + "=" + Convert.ToHexString(LibC.GetXattr(p, x) ?? [])));
            string mtime = st.IsDirectory && !withDirMtimes ? "-" : $"{st.MtimeSeconds}.{st.MtimeNanoseconds:D9}";
            string dev = st.FileType is LibC.S_IFCHR or LibC.S_IFBLK ? $"{st.RdevMajor},{st.RdevMinor}" : "";
            lines.Add($"{rel} {st.Mode:x} {st.Uid}:{st.Gid} {mtime} {(st.IsRegular ? st.Size : 0)} {extra} [{xattrs}] {dev}");
        }
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    public static (int Code, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr);
    }

    public static string MustRun(string file, params string[] args)
    {
        var (code, output) = Run(file, args);
        Assert.True(code == 0, $"{file} {string.Join(' ', args)} failed ({code}): {output}");
        return output;
    }

    public static async Task<(LayerWriteResult Result, string BlobPath)> WriteLayerFileAsync(LayerSource source, string path, LayerWriteOptions? options = null)
    {
        LayerWriteResult result;
        await using (var fs = File.Create(path))
            result = await LayerWriter.WriteAsync(source, fs, options, CancellationToken.None);
        return (result, path);
    }

    public static async Task<UnpackStats> UnpackFileAsync(string blob, string root, UnpackOptions? options = null)
    {
        await using var fs = File.OpenRead(blob);
        return await LayerUnpacker.ApplyAsync(fs, root, options, CancellationToken.None);
    }

    public static void SetMtimes(string root, long seconds)
    {
        uint n = 1;
        foreach (var p in Walk(root).OrderByDescending(p => p.Length))
            Assert.Equal(0, LibC.UtimensAt(LibC.AT_FDCWD, p, seconds + n, n++ * 7_000_001 % 1_000_000_000, LibC.AT_SYMLINK_NOFOLLOW));
    }

    // cap_net_bind_service+ep, VFS_CAP_REVISION_2: bytes >= 0x80 would be mangled by a UTF-8 round trip.
    public static readonly byte[] NetBindCapability =
        [0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

    /// <summary>A tree with everything a root filesystem holds: owners, setuid, capabilities, devices, fifo, links.</summary>
    public static void MakeRichTree(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "usr/bin"));
        Directory.CreateDirectory(Path.Combine(root, "dev"));
        Directory.CreateDirectory(Path.Combine(root, "home/user/.config"));
        File.WriteAllText(Path.Combine(root, "usr/bin/ping"), "\x7f" + "ELF pretend binary");
        Assert.Equal(0, LibC.SetXattr(Path.Combine(root, "usr/bin/ping"), "security.capability", NetBindCapability));
        File.WriteAllText(Path.Combine(root, "usr/bin/su"), "setuid");
        Assert.Equal(0, LibC.FchmodAt(LibC.AT_FDCWD, Path.Combine(root, "usr/bin/su"), 0xDED, 0)); // 06755
        File.WriteAllText(Path.Combine(root, "home/user/.config/rc"), "mine");
        Assert.Equal(0, LibC.FchownAt(LibC.AT_FDCWD, Path.Combine(root, "home/user"), 1000, 1000, 0));
        Assert.Equal(0, LibC.FchownAt(LibC.AT_FDCWD, Path.Combine(root, "home/user/.config"), 1000, 1000, 0));
        Assert.Equal(0, LibC.FchownAt(LibC.AT_FDCWD, Path.Combine(root, "home/user/.config/rc"), 1000, 1001, 0));
        Assert.Equal(0, LibC.MknodAt(LibC.AT_FDCWD, Path.Combine(root, "dev/null"), LibC.S_IFCHR | 0x1B6, LibC.MakeDev(1, 3)));
        Assert.Equal(0, LibC.MknodAt(LibC.AT_FDCWD, Path.Combine(root, "dev/loop9"), LibC.S_IFBLK | 0x1B0, LibC.MakeDev(7, 9)));
        Assert.Equal(0, LibC.MknodAt(LibC.AT_FDCWD, Path.Combine(root, "dev/fifo"), LibC.S_IFIFO | 0x1A4, 0));
        File.CreateSymbolicLink(Path.Combine(root, "usr/bin/sh"), "/bin/busybox");
        Assert.Equal(0, LibC.LinkAt(LibC.AT_FDCWD, Path.Combine(root, "usr/bin/ping"), LibC.AT_FDCWD, Path.Combine(root, "usr/bin/ping6"), 0));
        Assert.Equal(0, LibC.FchownAt(LibC.AT_FDCWD, Path.Combine(root, "usr/bin/sh"), 5, 6, LibC.AT_SYMLINK_NOFOLLOW));
        SetMtimes(root, 1_650_000_000);
    }
}
