using System.Collections.Immutable;
using System.Text;
using Build.Engine.Archive.Native;
using Build.Engine.Errors;

namespace Build.Engine.Archive;

/// <summary>
/// Walks a directory with lstat semantics (symlinks are entries, never followed), reading modes,
/// numeric owners, nanosecond mtimes, device numbers, inode identities (for hardlinks) and binary xattrs.
/// </summary>
internal sealed class DirectoryLayerSource(string root, DirectoryLayerOptions options) : LayerSource
{
    private static readonly EnumerationOptions ListAll = new()
    {
        // Dot-files matter (whiteouts are dot-files), and nothing may be silently left out.
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    internal override IReadOnlyList<LayerEntry> CollectEntries(CancellationToken ct)
    {
        string fullRoot = Path.GetFullPath(root);
        int rc = LibC.Lstat(LibC.AT_FDCWD, fullRoot, out var rootStatus);
        if (rc != 0 || !rootStatus.IsDirectory)
            throw new BuildException(ErrorCode.NotFound, $"layer source directory \"{root}\" does not exist or is not a directory");

        var excluded = new HashSet<string>(StringComparer.Ordinal);
        foreach (string e in options.Exclude)
            excluded.Add(ArchivePath.Normalize(e, e));

        var found = new List<(byte[] Key, LayerEntry Entry, FileStatus Status)>();
        var pending = new Stack<(string Full, string Relative)>();
        pending.Push((fullRoot, ""));
        while (pending.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            var (dirFull, dirRel) = pending.Pop();
            IEnumerable<string> children;
            try
            {
                children = Directory.EnumerateFileSystemEntries(dirFull, "*", ListAll);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new BuildException(ErrorCode.Io, $"cannot read directory \"{dirFull}\": {ex.Message}", ex);
            }
            foreach (string childFull in children)
            {
                string name = Path.GetFileName(childFull);
                string rel = dirRel.Length == 0 ? name : dirRel + "/" + name;
                if (excluded.Contains(rel))
                    continue;
                int err = LibC.Lstat(LibC.AT_FDCWD, childFull, out var st);
                if (err == LibC.ENOENT)
                    continue; // vanished between readdir and lstat: it is not part of the tree any more
                if (err != 0)
                    throw new BuildException(ErrorCode.Io, $"cannot stat \"{childFull}\": {LibC.ErrnoText(err)}");
                var entry = ToEntry(childFull, rel, name, st);
                if (entry is null)
                    continue;
                found.Add((ArchivePath.Utf8(entry.Path), entry, st));
                if (st.IsDirectory)
                {
                    if (options.Whiteouts == WhiteoutFormat.Overlay && IsOpaque(childFull))
                    {
                        string marker = rel + "/" + ArchivePath.OpaqueMarker;
                        found.Add((ArchivePath.Utf8(marker), WhiteoutEntry(marker, entry.ModificationTime), default));
                    }
                    pending.Push((childFull, rel));
                }
            }
        }
        found.Sort((a, b) => ArchivePath.CompareUtf8(a.Key, b.Key));

        // The first path (in archive order) of an inode carries the content; later paths become
        // hardlink entries. Deciding after sorting makes the choice independent of readdir order.
        var firstPathOfInode = new Dictionary<(uint, uint, ulong), string>();
        var result = new List<LayerEntry>(found.Count);
        foreach (var (_, entry, st) in found)
        {
            if (entry.Type == LayerEntryType.RegularFile && st.Nlink > 1)
            {
                var id = (st.DevMajor, st.DevMinor, st.Inode);
                if (firstPathOfInode.TryGetValue(id, out string? first))
                {
                    result.Add(entry with { Type = LayerEntryType.Hardlink, LinkTarget = first, SourcePath = null, Size = 0 });
                    continue;
                }
                firstPathOfInode[id] = entry.Path;
            }
            result.Add(entry);
        }
        return result;
    }

    private LayerEntry? ToEntry(string full, string rel, string name, FileStatus st)
    {
        var mtime = new UnixTimestamp(st.MtimeSeconds, st.MtimeNanoseconds);
        LayerEntryType type;
        string? link = null;
        switch (st.FileType)
        {
            case LibC.S_IFREG:
                type = LayerEntryType.RegularFile;
                break;
            case LibC.S_IFDIR:
                type = LayerEntryType.Directory;
                break;
            case LibC.S_IFLNK:
                type = LayerEntryType.Symlink;
                byte[]? target = LibC.ReadlinkAt(LibC.AT_FDCWD, full, out int err);
                if (target is null)
                    throw new BuildException(ErrorCode.Io, $"cannot read symlink \"{full}\": {LibC.ErrnoText(err)}");
                link = Encoding.UTF8.GetString(target);
                break;
            case LibC.S_IFCHR:
                if (options.Whiteouts == WhiteoutFormat.Overlay && st.RdevMajor == 0 && st.RdevMinor == 0)
                {
                    // overlayfs records a deletion as a 0/0 character device with the deleted name.
                    int slash = rel.LastIndexOf('/');
                    string wh = (slash < 0 ? "" : rel[..(slash + 1)]) + ArchivePath.WhiteoutPrefix + name;
                    return WhiteoutEntry(wh, mtime);
                }
                type = LayerEntryType.CharDevice;
                break;
            case LibC.S_IFBLK:
                type = LayerEntryType.BlockDevice;
                break;
            case LibC.S_IFIFO:
                type = LayerEntryType.Fifo;
                break;
            default:
                return null; // sockets: no tar representation, and meaningless outside the running container
        }
        return new LayerEntry
        {
            Path = rel,
            Type = type,
            Mode = (int)(st.Mode & 0xFFF),
            Uid = (int)st.Uid,
            Gid = (int)st.Gid,
            ModificationTime = mtime,
            LinkTarget = link,
            SourcePath = type == LayerEntryType.RegularFile ? full : null,
            Size = type == LayerEntryType.RegularFile ? st.Size : 0,
            DeviceMajor = type is LayerEntryType.CharDevice or LayerEntryType.BlockDevice ? (int)st.RdevMajor : 0,
            DeviceMinor = type is LayerEntryType.CharDevice or LayerEntryType.BlockDevice ? (int)st.RdevMinor : 0,
            Xattrs = options.IncludeXattrs ? ReadXattrs(full) : LayerEntry.NoXattrs,
        };
    }

    private static LayerEntry WhiteoutEntry(string path, UnixTimestamp mtime) =>
        new() { Path = path, Type = LayerEntryType.RegularFile, Mode = 0, Content = ReadOnlyMemory<byte>.Empty, ModificationTime = mtime };

    private static bool IsOpaque(string full)
    {
        foreach (string name in new[] { "trusted.overlay.opaque", "user.overlay.opaque" })
        {
            byte[]? v = LibC.GetXattr(full, name);
            if (v is [(byte)'y'])
                return true;
        }
        return false;
    }

    private ImmutableSortedDictionary<string, ImmutableArray<byte>> ReadXattrs(string full)
    {
        var names = LibC.ListXattrs(full);
        var builder = ImmutableSortedDictionary.CreateBuilder<string, ImmutableArray<byte>>(StringComparer.Ordinal);
        foreach (string n in names)
        {
            // A host SELinux label says where the file was built, not what it is: it would make the
            // same tree hash differently on two machines.
            if (n == "security.selinux")
                continue;
            if (options.Whiteouts == WhiteoutFormat.Overlay && IsOverlayPrivate(n))
                continue;
            byte[]? value = LibC.GetXattr(full, n);
            if (value is not null)
                builder[n] = [.. value];
        }
        return builder.ToImmutable();
    }

    internal static bool IsOverlayPrivate(string xattr) =>
        xattr.StartsWith("trusted.overlay.", StringComparison.Ordinal) || xattr.StartsWith("user.overlay.", StringComparison.Ordinal);
}
