using Build.Engine.Archive.Native;

namespace Build.Engine.Snapshots;

/// <summary>
/// The copy fallback's rootfs: applies unpacked layers (overlay-native whiteouts) one after another
/// onto a directory, preserving owners, modes, times, device nodes and hard links within a layer.
/// </summary>
internal static class LayerCopier
{
    public static void Apply(string layer, string target, CancellationToken ct)
    {
        var links = new Dictionary<(uint, uint, ulong), string>();
        ApplyDir(layer, target, "", links, ct);
    }

    private static void ApplyDir(string layer, string target, string rel, Dictionary<(uint, uint, ulong), string> links, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var src = LowerView.Join(layer, rel);
        foreach (var entry in Directory.EnumerateFileSystemEntries(src))
        {
            var name = Path.GetFileName(entry);
            var childRel = rel.Length == 0 ? name : rel + "/" + name;
            var dest = LowerView.Join(target, childRel);
            var st = SnapshotNative.Lstat(entry);
            if (st.IsWhiteout)
            {
                Remove(dest);
                continue;
            }
            if (st.IsDirectory)
            {
                var exists = SnapshotNative.TryLstat(dest, out var dst);
                if (exists && !dst.IsDirectory)
                {
                    Remove(dest);
                    exists = false;
                }
                if (exists && LowerView.IsOpaque(entry))
                {
                    foreach (var child in Directory.EnumerateFileSystemEntries(dest))
                        Remove(child);
                }
                if (!exists)
                    Directory.CreateDirectory(dest);
                ApplyDir(layer, target, childRel, links, ct);
                CopyMetadata(st, dest);
                continue;
            }
            Remove(dest);
            CopyEntry(entry, dest, st, links);
        }
    }

    /// <summary>Copies a non-directory entry with its metadata (regular files keep hard links made through <paramref name="links"/>).</summary>
    public static void CopyEntry(string source, string dest, in FileStatus st, Dictionary<(uint, uint, ulong), string>? links)
    {
        switch (st.FileType)
        {
            case LibC.S_IFREG:
                var key = (st.DevMajor, st.DevMinor, st.Inode);
                if (st.Nlink > 1 && links is not null)
                {
                    if (links.TryGetValue(key, out var first) && LibC.LinkAt(LibC.AT_FDCWD, first, LibC.AT_FDCWD, dest, 0) == 0)
                        return;
                    links[key] = dest;
                }
                File.Copy(source, dest, overwrite: false);
                break;
            case LibC.S_IFLNK:
                File.CreateSymbolicLink(dest, new FileInfo(source).LinkTarget!);
                break;
            case LibC.S_IFCHR or LibC.S_IFBLK or LibC.S_IFIFO or LibC.S_IFSOCK:
                SnapshotNative.Check(LibC.MknodAt(LibC.AT_FDCWD, dest, st.Mode, LibC.MakeDev(st.RdevMajor, st.RdevMinor)), "mknod", dest);
                break;
            default:
                throw new IOException($"unsupported file type 0x{st.FileType:x} at {source}");
        }
        CopyMetadata(st, dest);
    }

    public static void CopyMetadata(in FileStatus st, string dest)
    {
        SnapshotNative.Check(LibC.FchownAt(LibC.AT_FDCWD, dest, st.Uid, st.Gid, LibC.AT_SYMLINK_NOFOLLOW), "lchown", dest);
        // chmod after chown: chown clears setuid/setgid bits.
        if (!st.IsSymlink)
            SnapshotNative.Check(LibC.FchmodAt(LibC.AT_FDCWD, dest, st.Mode & 0xFFFu, 0), "chmod", dest);
        // Layers carry no atime: both times get the mtime.
        var errno = LibC.UtimensAt(LibC.AT_FDCWD, dest, st.MtimeSeconds, st.MtimeNanoseconds, LibC.AT_SYMLINK_NOFOLLOW);
        if (errno != 0)
            throw new IOException($"utimensat {dest}: {LibC.ErrnoText(errno)}");
    }

    public static void Remove(string path)
    {
        if (!SnapshotNative.TryLstat(path, out var st))
            return;
        if (st.IsDirectory)
            Directory.Delete(path, recursive: true);
        else
            File.Delete(path);
    }
}
