using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Build.Engine.Archive;
using Build.Engine.Archive.Native;
using Build.Engine.Oci;

namespace Build.Engine.Tests.Archive;

/// <summary>A directory under /tmp removed at the end of a test.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = Directory.CreateTempSubdirectory("archive-test-").FullName;
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        // Never Directory.Delete or a recursive BCL enumeration here: trees made by these tests hold
        // symlinks to "/" and to outside directories, and the BCL's recursion follows directory symlinks.
        ArchiveTestSupport.RemoveTree(Path);
    }
}

internal static class ArchiveTestSupport
{
    /// <summary>Every path below <paramref name="root"/>, recursing with lstat so that no symlink is ever followed.</summary>
    public static List<string> Walk(string root)
    {
        var result = new List<string>();
        foreach (string child in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { AttributesToSkip = 0, RecurseSubdirectories = false }))
        {
            result.Add(child);
            if (LibC.Lstat(LibC.AT_FDCWD, child, out var st) == 0 && st.IsDirectory)
                result.AddRange(Walk(child));
        }
        return result;
    }

    /// <summary>Deletes a tree without following symlinks (unlinks them), making read-only directories writable first.</summary>
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
        foreach (string child in Directory.EnumerateFileSystemEntries(path, "*", new EnumerationOptions { AttributesToSkip = 0, RecurseSubdirectories = false }))
            RemoveTree(child);
        LibC.UnlinkAt(LibC.AT_FDCWD, path, LibC.AT_REMOVEDIR);
    }

    public static void SetMtime(string path, long seconds, uint nanoseconds)
    {
        int err = LibC.UtimensAt(LibC.AT_FDCWD, path, seconds, nanoseconds, LibC.AT_SYMLINK_NOFOLLOW);
        Assert.Equal(0, err);
    }

    public static void HardLink(string existing, string newPath) =>
        Assert.Equal(0, LibC.LinkAt(LibC.AT_FDCWD, existing, LibC.AT_FDCWD, newPath, 0));

    public static UnixTimestamp Mtime(string path)
    {
        Assert.Equal(0, LibC.Lstat(LibC.AT_FDCWD, path, out var st));
        return new UnixTimestamp(st.MtimeSeconds, st.MtimeNanoseconds);
    }

    public static FileStatus Stat(string path)
    {
        Assert.Equal(0, LibC.Lstat(LibC.AT_FDCWD, path, out var st));
        return st;
    }

    public static async Task<(LayerWriteResult Result, byte[] Blob)> WriteAsync(LayerSource source, LayerWriteOptions? options = null)
    {
        using var ms = new MemoryStream();
        var result = await LayerWriter.WriteAsync(source, ms, options, CancellationToken.None);
        return (result, ms.ToArray());
    }

    public static byte[] Decompress(byte[] blob)
    {
        using var input = new MemoryStream(blob);
        using var output = new MemoryStream();
        if (blob.Length >= 2 && blob[0] == 0x1f && blob[1] == 0x8b)
        {
            using var gz = new GZipStream(input, CompressionMode.Decompress);
            gz.CopyTo(output);
        }
        else if (blob.Length >= 4 && blob[0] == 0x28 && blob[1] == 0xb5)
        {
            using var z = new ZstdStream(input);
            z.CopyTo(output);
        }
        else
        {
            input.CopyTo(output);
        }
        return output.ToArray();
    }

    /// <summary>Reads a tar with the BCL's reader: an implementation independent of ours.</summary>
    public static List<TarEntry> ReadWithBcl(byte[] tar)
    {
        var list = new List<TarEntry>();
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry(copyData: true) is { } e)
            list.Add(e);
        return list;
    }

    /// <summary>A tar written with the BCL writer, which (unlike ours) lets a test write hostile names.</summary>
    public static byte[] HostileTar(Action<TarWriter> build)
    {
        using var ms = new MemoryStream();
        using (var w = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
            build(w);
        return ms.ToArray();
    }

    public static void AddFile(this TarWriter w, string name, string content, int mode = 0x1A4)
    {
        var e = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
            Mode = (UnixFileMode)mode,
        };
        w.WriteEntry(e);
    }

    public static void AddDir(this TarWriter w, string name, int mode = 0x1ED) =>
        w.WriteEntry(new PaxTarEntry(TarEntryType.Directory, name) { Mode = (UnixFileMode)mode });

    public static void AddSymlink(this TarWriter w, string name, string target) =>
        w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, Mode = (UnixFileMode)0x1FF });

    public static void AddHardlink(this TarWriter w, string name, string target) =>
        w.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target, Mode = (UnixFileMode)0x1A4 });

    public static Task<UnpackStats> UnpackAsync(byte[] layer, string root, UnpackOptions? options = null) =>
        LayerUnpacker.ApplyAsync(new MemoryStream(layer), root, options, CancellationToken.None);

    public static LayerSource Entries(params LayerEntry[] entries) => LayerSource.FromEntries(entries);
}
