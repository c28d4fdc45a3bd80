using System.Buffers;
using System.Text;
using Build.Engine.Archive.Native;
using Build.Engine.Errors;

namespace Build.Engine.Archive;

/// <summary>The state of one unpack: the root fd, a cache of resolved directory fds, and deferred directory metadata.</summary>
internal sealed class UnpackSession : IDisposable
{
    private const int MaxSymlinkHops = 40;
    private const int DirCreateMode = 0x1C0; // 0700 until the final mode is set at the end
    private const int ImplicitDirMode = 0x1ED; // 0755, as tar and Docker give parents missing from the archive

    private readonly UnpackOptions _options;
    private readonly string _compression;
    private readonly int _rootFd;
    private readonly bool _chown;
    private readonly bool _devices;
    private readonly Dictionary<string, int> _dirCache = new(StringComparer.Ordinal);
    private readonly List<int> _retiredFds = [];
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);
    private readonly List<(string Path, int Mode, UnixTimestamp Mtime)> _deferredDirs = [];
    private readonly byte[] _copy = ArrayPool<byte>.Shared.Rent(1 << 20);

    private int _entries, _files, _dirs, _symlinks, _hardlinks, _special, _whiteouts, _skippedDevices, _skippedXattrs;
    private long _bytes;

    public UnpackSession(string rootDir, UnpackOptions options, string compression)
    {
        _options = options;
        _compression = compression;
        Directory.CreateDirectory(rootDir);
        _rootFd = LibC.OpenAt(LibC.AT_FDCWD, Path.GetFullPath(rootDir), LibC.O_PATH | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
        if (_rootFd < 0)
            throw new BuildException(ErrorCode.Io, $"cannot open unpack root \"{rootDir}\": {LibC.ErrnoText(LibC.LastErrno)}");
        bool root = LibC.GetEuid() == 0;
        _chown = options.PreserveOwnership ?? root;
        _devices = options.AllowDevices ?? root;
    }

    public UnpackStats Stats() =>
        new(_entries, _files, _dirs, _symlinks, _hardlinks, _special, _whiteouts, _skippedDevices, _skippedXattrs, _bytes, _compression);

    public void Apply(TarEntryHeader h, TarEntryReader reader)
    {
        _entries++;
        CloseRetired();
        var parts = ArchivePath.Split(h.Name, h.Name);
        if (parts.Count == 0)
            return; // "./": the root's own metadata belongs to whoever made the root, not to a layer
        string path = string.Join('/', parts);
        string name = parts[^1];

        if (name.StartsWith(ArchivePath.WhiteoutPrefix, StringComparison.Ordinal))
        {
            ApplyWhiteout(h, parts, path, name);
            return;
        }

        int parent = ResolveDirectory(parts, parts.Count - 1, create: true, h.Name);
        _written.Add(path);
        switch (h.TypeFlag)
        {
            case (byte)'0' or 0 or (byte)'7':
                PrepareTarget(parent, name, isDirectory: false);
                WriteFile(parent, name, h, reader);
                _files++;
                break;
            case (byte)'5':
                MakeDirectory(parent, name, path, h);
                _dirs++;
                break;
            case (byte)'2':
                PrepareTarget(parent, name, isDirectory: false);
                if (LibC.SymlinkAt(h.LinkName, parent, name) != 0)
                    throw Io(h, "create symlink", LibC.LastErrno);
                if (_chown && LibC.FchownAt(parent, name, (uint)h.Uid, (uint)h.Gid, LibC.AT_SYMLINK_NOFOLLOW) != 0)
                    throw Io(h, "chown", LibC.LastErrno);
                SetXattrsByPath(parent, name, h);
                LibC.UtimensAt(parent, name, h.ModificationTime.Seconds, h.ModificationTime.Nanoseconds, LibC.AT_SYMLINK_NOFOLLOW);
                _symlinks++;
                break;
            case (byte)'1':
                MakeHardlink(parent, name, h);
                _hardlinks++;
                break;
            case (byte)'3' or (byte)'4':
                if (!_devices)
                {
                    _skippedDevices++;
                    _written.Remove(path);
                    return;
                }
                PrepareTarget(parent, name, isDirectory: false);
                uint kind = h.TypeFlag == (byte)'3' ? LibC.S_IFCHR : LibC.S_IFBLK;
                if (LibC.MknodAt(parent, name, kind | 0x180, LibC.MakeDev((uint)h.DeviceMajor, (uint)h.DeviceMinor)) != 0)
                    throw Io(h, "create device", LibC.LastErrno);
                FinishSpecial(parent, name, h);
                _special++;
                break;
            case (byte)'6':
                PrepareTarget(parent, name, isDirectory: false);
                if (LibC.MknodAt(parent, name, LibC.S_IFIFO | 0x180, 0) != 0)
                    throw Io(h, "create fifo", LibC.LastErrno);
                FinishSpecial(parent, name, h);
                _special++;
                break;
            default:
                throw new BuildException(ErrorCode.InvalidArchive, $"invalid layer archive: entry \"{h.Name}\" has unsupported type '{(char)h.TypeFlag}'");
        }
    }

    /// <summary>Directory modes and times last: creating children changes a directory's mtime, and a read-only mode would block them.</summary>
    public void Finish()
    {
        CloseRetired();
        for (int i = _deferredDirs.Count - 1; i >= 0; i--)
        {
            var (path, mode, mtime) = _deferredDirs[i];
            var parts = ArchivePath.Split(path, path);
            int parent;
            try
            {
                parent = ResolveDirectory(parts, parts.Count - 1, create: false, path);
            }
            catch (BuildException)
            {
                continue; // a later entry of the layer replaced a directory on its path
            }
            int fd = LibC.OpenAt(parent, parts[^1], LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0);
            if (fd < 0)
                continue; // replaced by a later entry
            try
            {
                if (LibC.Fchmod(fd, (uint)mode) != 0)
                    throw new BuildException(ErrorCode.Io, $"cannot chmod \"{path}\": {LibC.ErrnoText(LibC.LastErrno)}");
                LibC.Futimens(fd, mtime.Seconds, mtime.Nanoseconds);
            }
            finally
            {
                LibC.Close(fd);
            }
        }
    }

    public void Dispose()
    {
        RetireCache();
        CloseRetired();
        LibC.Close(_rootFd);
        ArrayPool<byte>.Shared.Return(_copy);
    }

    private void WriteFile(int parent, string name, TarEntryHeader h, TarEntryReader reader)
    {
        int fd = LibC.OpenAt(parent, name, LibC.O_WRONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0x180);
        if (fd < 0)
            throw Io(h, "create file", LibC.LastErrno);
        try
        {
            int n;
            while ((n = reader.ReadData(_copy)) > 0)
            {
                int err = LibC.WriteAll(fd, _copy.AsSpan(0, n));
                if (err != 0)
                    throw Io(h, "write", err);
                _bytes += n;
            }
            // Order matters: chown clears setuid bits and file capabilities, so mode and xattrs come after it.
            if (_chown && LibC.Fchown(fd, (uint)h.Uid, (uint)h.Gid) != 0)
                throw Io(h, "chown", LibC.LastErrno);
            if (LibC.Fchmod(fd, (uint)h.Mode) != 0)
                throw Io(h, "chmod", LibC.LastErrno);
            SetXattrsOnFd(fd, h);
            LibC.Futimens(fd, h.ModificationTime.Seconds, h.ModificationTime.Nanoseconds);
        }
        finally
        {
            LibC.Close(fd);
        }
    }

    private void MakeDirectory(int parent, string name, string path, TarEntryHeader h)
    {
        int err = LibC.Lstat(parent, name, out var existing);
        if (err == 0 && !existing.IsDirectory)
        {
            PrepareTarget(parent, name, isDirectory: true);
            err = LibC.ENOENT;
        }
        if (err == LibC.ENOENT && LibC.MkdirAt(parent, name, DirCreateMode) != 0 && LibC.LastErrno != LibC.EEXIST)
            throw Io(h, "create directory", LibC.LastErrno);
        int fd = LibC.OpenAt(parent, name, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0);
        if (fd < 0)
            throw Io(h, "open directory", LibC.LastErrno);
        try
        {
            if (_chown && LibC.Fchown(fd, (uint)h.Uid, (uint)h.Gid) != 0)
                throw Io(h, "chown", LibC.LastErrno);
            // Keep the owner able to create children until Finish sets the real mode.
            LibC.Fchmod(fd, (uint)(h.Mode | DirCreateMode));
            SetXattrsOnFd(fd, h);
        }
        finally
        {
            LibC.Close(fd);
        }
        _deferredDirs.Add((path, h.Mode, h.ModificationTime));
    }

    private void MakeHardlink(int parent, string name, TarEntryHeader h)
    {
        var target = ArchivePath.Split(h.LinkName, h.Name);
        if (target.Count == 0)
            throw new BuildException(ErrorCode.InvalidArchive, $"invalid layer archive: hardlink \"{h.Name}\" points at the root");
        int targetParent = ResolveDirectory(target, target.Count - 1, create: false, h.Name);
        if (LibC.Lstat(targetParent, target[^1], out var st) != 0)
            throw new BuildException(ErrorCode.InvalidArchive, $"invalid layer archive: hardlink \"{h.Name}\" points at \"{h.LinkName}\", which does not exist (yet)");
        if (st.IsDirectory)
            throw new BuildException(ErrorCode.InvalidArchive, $"invalid layer archive: hardlink \"{h.Name}\" points at directory \"{h.LinkName}\"");
        if (LibC.Lstat(parent, name, out var existing) == 0)
        {
            if (existing.Inode == st.Inode && existing.DevMajor == st.DevMajor && existing.DevMinor == st.DevMinor)
                return;
            // Keep the fds alive: removing may retire cached directories, but they are closed only at the next entry.
            PrepareTarget(parent, name, isDirectory: false);
        }
        // flags 0: a hardlink to a symlink links the symlink itself, never what it points to.
        if (LibC.LinkAt(targetParent, target[^1], parent, name, 0) != 0)
            throw Io(h, "create hardlink", LibC.LastErrno);
    }

    private void FinishSpecial(int parent, string name, TarEntryHeader h)
    {
        if (_chown && LibC.FchownAt(parent, name, (uint)h.Uid, (uint)h.Gid, LibC.AT_SYMLINK_NOFOLLOW) != 0)
            throw Io(h, "chown", LibC.LastErrno);
        if (LibC.FchmodAt(parent, name, (uint)h.Mode, 0) != 0)
            throw Io(h, "chmod", LibC.LastErrno);
        SetXattrsByPath(parent, name, h);
        LibC.UtimensAt(parent, name, h.ModificationTime.Seconds, h.ModificationTime.Nanoseconds, LibC.AT_SYMLINK_NOFOLLOW);
    }

    private void ApplyWhiteout(TarEntryHeader h, List<string> parts, string path, string name)
    {
        _whiteouts++;
        int parent;
        if (_options.Whiteouts == WhiteoutMode.OverlayNative)
        {
            // The device or xattr has to exist in the snapshot even if no earlier entry made its directory.
            parent = ResolveDirectory(parts, parts.Count - 1, create: true, h.Name);
        }
        else
        {
            try
            {
                parent = ResolveDirectory(parts, parts.Count - 1, create: false, h.Name);
            }
            catch (BuildException ex) when (ex.Code == ErrorCode.InvalidArchive)
            {
                return; // the directory is not there (or is a file): nothing below it to delete
            }
        }
        string dirPath = string.Join('/', parts.Take(parts.Count - 1));
        string prefix = dirPath.Length == 0 ? "" : dirPath + "/";
        if (name == ArchivePath.OpaqueMarker)
        {
            if (_options.Whiteouts == WhiteoutMode.OverlayNative)
            {
                int fd = LibC.OpenAt(parent, ".", LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
                if (fd < 0)
                    throw Io(h, "open directory", LibC.LastErrno);
                try
                {
                    int err = LibC.FSetXattr(fd, _options.OverlayXattrPrefix + "opaque", "y"u8);
                    if (err != 0)
                        throw Io(h, $"set {_options.OverlayXattrPrefix}opaque (needs root for trusted.* xattrs)", err);
                }
                finally
                {
                    LibC.Close(fd);
                }
            }
            else
            {
                ClearLowerChildren(parent, prefix);
            }
            return;
        }
        if (name.StartsWith(ArchivePath.WhiteoutPrefix + ArchivePath.WhiteoutPrefix, StringComparison.Ordinal))
            return; // other ".wh..wh." names are aufs bookkeeping (.wh..wh.plnk, .wh..wh.aufs), not deletions
        string victim = name[ArchivePath.WhiteoutPrefix.Length..];
        if (victim.Length == 0 || victim is "." or "..")
            throw new BuildException(ErrorCode.InvalidArchive, $"invalid layer archive: whiteout \"{h.Name}\" names nothing");
        // A whiteout hides what earlier layers had; what this layer itself wrote stays (OCI image-spec, "Whiteouts").
        if (_written.Contains(prefix + victim))
            return;
        if (_options.Whiteouts == WhiteoutMode.OverlayNative)
        {
            PrepareTarget(parent, victim, isDirectory: false);
            if (LibC.MknodAt(parent, victim, LibC.S_IFCHR, 0) != 0)
                throw Io(h, "create overlay whiteout (a 0/0 character device needs root)", LibC.LastErrno);
            // The whiteout entry's time, not the time of the unpack: two unpacks of one layer give the same tree.
            LibC.UtimensAt(parent, victim, h.ModificationTime.Seconds, h.ModificationTime.Nanoseconds, LibC.AT_SYMLINK_NOFOLLOW);
        }
        else
        {
            RemoveTree(parent, victim, h);
        }
    }

    /// <summary>An opaque directory keeps only what this layer put in it: everything else came from below.</summary>
    private void ClearLowerChildren(int dirFd, string prefix)
    {
        foreach (string child in ListNames(dirFd))
        {
            string logical = prefix + child;
            if (!_written.Contains(logical))
            {
                RemoveTree(dirFd, child, null);
                continue;
            }
            if (LibC.Lstat(dirFd, child, out var st) == 0 && st.IsDirectory)
            {
                int fd = LibC.OpenAt(dirFd, child, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0);
                if (fd >= 0)
                {
                    try
                    {
                        ClearLowerChildren(fd, logical + "/");
                    }
                    finally
                    {
                        LibC.Close(fd);
                    }
                }
            }
        }
    }

    /// <summary>Makes room for a new entry: an existing non-directory (or any entry when a directory is wanted there) is removed.</summary>
    private void PrepareTarget(int parent, string name, bool isDirectory)
    {
        int err = LibC.Lstat(parent, name, out var st);
        if (err == LibC.ENOENT)
            return;
        if (err != 0)
            throw new BuildException(ErrorCode.Io, $"cannot stat \"{name}\": {LibC.ErrnoText(err)}");
        if (isDirectory && st.IsDirectory)
            return;
        RemoveTree(parent, name, null);
    }

    /// <summary>Deletes an entry and, for a directory, everything below it, never following symlinks.</summary>
    private void RemoveTree(int dirFd, string name, TarEntryHeader? h)
    {
        int err = LibC.Lstat(dirFd, name, out var st);
        if (err == LibC.ENOENT)
            return;
        if (st.IsDirectory)
        {
            int fd = LibC.OpenAt(dirFd, name, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0);
            if (fd >= 0)
            {
                try
                {
                    foreach (string child in ListNames(fd))
                        RemoveTree(fd, child, h);
                }
                finally
                {
                    LibC.Close(fd);
                }
            }
            if (LibC.UnlinkAt(dirFd, name, LibC.AT_REMOVEDIR) != 0 && LibC.LastErrno != LibC.ENOENT)
                throw new BuildException(ErrorCode.Io, $"cannot remove directory \"{name}\"{(h is null ? "" : $" for entry \"{h.Name}\"")}: {LibC.ErrnoText(LibC.LastErrno)}");
            RetireCache();
        }
        else
        {
            if (LibC.UnlinkAt(dirFd, name, 0) != 0 && LibC.LastErrno != LibC.ENOENT)
                throw new BuildException(ErrorCode.Io, $"cannot remove \"{name}\"{(h is null ? "" : $" for entry \"{h.Name}\"")}: {LibC.ErrnoText(LibC.LastErrno)}");
            if (st.IsSymlink)
                RetireCache();
        }
    }

    /// <summary>Names in a directory given by fd (read through /proc/self/fd, which pins the directory itself).</summary>
    private static List<string> ListNames(int dirFd)
    {
        var names = new List<string>();
        foreach (string full in Directory.EnumerateFileSystemEntries($"/proc/self/fd/{dirFd}", "*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false }))
            names.Add(Path.GetFileName(full));
        return names;
    }

    /// <summary>
    /// The fd of the directory at <paramref name="parts"/>[0..count), walked from the root one component
    /// at a time with O_NOFOLLOW. A symlink on the way is resolved by us, inside the root: an absolute
    /// target restarts at the root (it names a path in the image), a relative '..' at the root is
    /// refused. The kernel never follows a link on our behalf, so no link can lead outside.
    /// </summary>
    private int ResolveDirectory(List<string> parts, int count, bool create, string entry)
    {
        if (count == 0)
            return _rootFd;
        string key = string.Join('/', parts.Take(count));
        if (_dirCache.TryGetValue(key, out int cached))
            return cached;

        var stack = new List<int>();
        var pending = new Stack<string>();
        for (int i = count - 1; i >= 0; i--)
            pending.Push(parts[i]);
        int hops = 0;
        try
        {
            while (pending.Count > 0)
            {
                string c = pending.Pop();
                if (c.Length == 0 || c == ".")
                    continue;
                int cur = stack.Count == 0 ? _rootFd : stack[^1];
                if (c == "..")
                {
                    if (stack.Count == 0)
                        throw new BuildException(ErrorCode.UnsafePath, $"archive entry \"{entry}\" goes through a symlink that leads outside the root");
                    LibC.Close(stack[^1]);
                    stack.RemoveAt(stack.Count - 1);
                    continue;
                }
                int fd = LibC.OpenAt(cur, c, LibC.O_PATH | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0);
                if (fd < 0 && LibC.LastErrno == LibC.ENOENT && create)
                {
                    if (LibC.MkdirAt(cur, c, ImplicitDirMode) != 0 && LibC.LastErrno != LibC.EEXIST)
                        throw new BuildException(ErrorCode.Io, $"cannot create parent directory \"{c}\" of \"{entry}\": {LibC.ErrnoText(LibC.LastErrno)}");
                    fd = LibC.OpenAt(cur, c, LibC.O_PATH | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0);
                }
                if (fd < 0)
                {
                    int errno = LibC.LastErrno;
                    throw errno == LibC.ENOENT
                        ? new BuildException(ErrorCode.InvalidArchive, $"invalid layer archive: parent \"{c}\" of entry \"{entry}\" does not exist")
                        : new BuildException(ErrorCode.Io, $"cannot open \"{c}\" on the path of \"{entry}\": {LibC.ErrnoText(errno)}");
                }
                LibC.Fstat(fd, out var st);
                if (st.IsDirectory)
                {
                    stack.Add(fd);
                    continue;
                }
                if (st.IsSymlink)
                {
                    byte[]? target = LibC.ReadlinkAt(fd, "", out int err);
                    LibC.Close(fd);
                    if (target is null)
                        throw new BuildException(ErrorCode.Io, $"cannot read symlink \"{c}\" on the path of \"{entry}\": {LibC.ErrnoText(err)}");
                    if (++hops > MaxSymlinkHops)
                        throw new BuildException(ErrorCode.UnsafePath, $"archive entry \"{entry}\" goes through more than {MaxSymlinkHops} symlinks (a loop?)");
                    string t = Encoding.UTF8.GetString(target);
                    if (t.StartsWith('/'))
                    {
                        foreach (int open in stack)
                            LibC.Close(open);
                        stack.Clear();
                    }
                    string[] tparts = t.Split('/');
                    for (int i = tparts.Length - 1; i >= 0; i--)
                        pending.Push(tparts[i]);
                    continue;
                }
                LibC.Close(fd);
                throw new BuildException(ErrorCode.InvalidArchive, $"invalid layer archive: \"{c}\" on the path of entry \"{entry}\" is not a directory");
            }
        }
        catch
        {
            foreach (int open in stack)
                LibC.Close(open);
            throw;
        }
        if (stack.Count == 0)
            return _rootFd; // resolved back to the root (e.g. a symlink to "/")
        int result = stack[^1];
        for (int i = 0; i < stack.Count - 1; i++)
            LibC.Close(stack[i]);
        _dirCache[key] = result;
        return result;
    }

    /// <summary>Forgets resolved directories (a removal can change what a path means) but keeps their fds open until the next entry.</summary>
    private void RetireCache()
    {
        _retiredFds.AddRange(_dirCache.Values);
        _dirCache.Clear();
    }

    private void CloseRetired()
    {
        foreach (int fd in _retiredFds)
            LibC.Close(fd);
        _retiredFds.Clear();
    }

    private void SetXattrsOnFd(int fd, TarEntryHeader h)
    {
        foreach (var (name, value) in h.Xattrs)
        {
            if (IsForbiddenXattr(name))
                continue;
            if (LibC.FSetXattr(fd, name, value) != 0)
                _skippedXattrs++;
        }
    }

    private void SetXattrsByPath(int parent, string name, TarEntryHeader h)
    {
        foreach (var (key, value) in h.Xattrs)
        {
            if (IsForbiddenXattr(key))
                continue;
            // l*xattr on "<parent fd>/<name>": the parent is pinned by its fd, the final name is not followed.
            if (LibC.SetXattr($"/proc/self/fd/{parent}/{name}", key, value) != 0)
                _skippedXattrs++;
        }
    }

    /// <summary>
    /// overlayfs's own xattrs are never taken from an archive: a crafted <c>trusted.overlay.redirect</c>
    /// would make an overlay mount serve a different directory from a lower layer.
    /// </summary>
    private static bool IsForbiddenXattr(string name) => DirectoryLayerSource.IsOverlayPrivate(name);

    private static BuildException Io(TarEntryHeader h, string what, int errno) =>
        new(ErrorCode.Io, $"cannot {what} for archive entry \"{h.Name}\": {LibC.ErrnoText(errno)}");
}
