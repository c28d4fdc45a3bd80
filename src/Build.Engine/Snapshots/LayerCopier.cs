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
    public static void CopyEntry(string source, string dest, in SnapshotNative.Statx st, Dictionary<(uint, uint, ulong), string>? links)
    {
        switch (st.Type)
        {
            case SnapshotNative.SIfreg:
                var key = (st.DevMajor, st.DevMinor, st.Ino);
                if (st.Nlink > 1 && links is not null)
                {
                    if (links.TryGetValue(key, out var first) && SnapshotNative.link(first, dest) == 0)
                        return;
                    links[key] = dest;
                }
                File.Copy(source, dest, overwrite: false);
                break;
            case SnapshotNative.SIflnk:
                File.CreateSymbolicLink(dest, new FileInfo(source).LinkTarget!);
                break;
            case SnapshotNative.SIfchr or SnapshotNative.SIfblk or SnapshotNative.SIfifo or SnapshotNative.SIfsock:
                if (SnapshotNative.mknod(dest, st.Mode, SnapshotNative.MakeDev(st.RdevMajor, st.RdevMinor)) != 0)
                    throw new IOException($"mknod {dest}: {SnapshotNative.LastError()}");
                break;
            default:
                throw new IOException($"unsupported file type 0x{st.Type:x} at {source}");
        }
        CopyMetadata(st, dest);
    }

    public static void CopyMetadata(in SnapshotNative.Statx st, string dest)
    {
        if (SnapshotNative.lchown(dest, st.Uid, st.Gid) != 0)
            throw new IOException($"lchown {dest}: {SnapshotNative.LastError()}");
        // chmod after chown: chown clears setuid/setgid bits.
        if (st.Type != SnapshotNative.SIflnk && SnapshotNative.chmod(dest, st.Mode & 0xFFFu) != 0)
            throw new IOException($"chmod {dest}: {SnapshotNative.LastError()}");
        SnapshotNative.SetTimes(dest, st.Atime, st.Mtime);
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
