using Build.Engine.Archive.Native;

namespace Build.Engine.Execution;

/// <summary>
/// The C# twin of sandbox-init.c's stub handling, for a runtime (runc) that creates missing mount
/// targets in the rootfs itself and leaves them there: records which components of each target are
/// missing before the run, and afterwards removes those still empty (deepest first) and restores their
/// parent's times, so they never show up in the layer (BuildKit's MountStubsCleaner).
/// </summary>
internal sealed class MountStubs
{
    private readonly string _root;
    private readonly List<(string Rel, bool Dir, long MtimeSec, long MtimeNsec)> _stubs = [];

    private MountStubs(string root) => _root = root;

    /// <summary>Records the missing components of every target (paths inside <paramref name="root"/>).</summary>
    public static MountStubs Record(string root, IEnumerable<(string Target, bool IsDirectory)> targets)
    {
        var stubs = new MountStubs(Path.GetFullPath(root).TrimEnd('/'));
        foreach (var (target, isDir) in targets)
            stubs.Add(target, isDir);
        return stubs;
    }

    private void Add(string target, bool isDir)
    {
        var rel = RootfsPath.ResolveRelative(target, r => new FileInfo(_root + "/" + r).LinkTarget);
        var parts = rel.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var path = string.Join('/', parts.Take(i + 1));
            if (_stubs.Any(s => s.Rel == path))
                continue;
            if (LibC.Lstat(LibC.AT_FDCWD, _root + "/" + path, out _) == 0)
                continue;
            var parent = i == 0 ? _root : _root + "/" + string.Join('/', parts.Take(i));
            var (sec, nsec) = LibC.Lstat(LibC.AT_FDCWD, parent, out var st) == 0 ? (st.MtimeSeconds, (long)st.MtimeNanoseconds) : (0L, 0L);
            _stubs.Add((path, i < parts.Length - 1 || isDir, sec, nsec));
        }
    }

    /// <summary>Removes the stubs that are still empty, without following any symlink the step may have put in their way.</summary>
    public void Remove()
    {
        var rootFd = LibC.OpenAt2(LibC.AT_FDCWD, _root, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0, 0);
        if (rootFd < 0)
            return;
        try
        {
            foreach (var (rel, dir, sec, nsec) in _stubs.OrderByDescending(s => s.Rel.Count(c => c == '/')).ThenByDescending(s => s.Rel, StringComparer.Ordinal))
            {
                var slash = rel.LastIndexOf('/');
                var parentRel = slash < 0 ? "." : rel[..slash];
                var name = rel[(slash + 1)..];
                var parentFd = LibC.OpenAt2(rootFd, parentRel, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0,
                    LibC.RESOLVE_IN_ROOT | LibC.RESOLVE_NO_SYMLINKS | LibC.RESOLVE_NO_XDEV);
                if (parentFd < 0)
                    continue;
                try
                {
                    if (LibC.Lstat(parentFd, name, out var st) != 0)
                        continue;
                    // Only what is still the empty placeholder: a file the step filled stays.
                    var removed = dir
                        ? st.IsDirectory && LibC.UnlinkAt(parentFd, name, LibC.AT_REMOVEDIR) == 0
                        : st.IsRegular && st.Size == 0 && LibC.UnlinkAt(parentFd, name, 0) == 0;
                    if (removed && sec != 0)
                        LibC.Futimens(parentFd, sec, nsec);
                }
                finally
                {
                    LibC.Close(parentFd);
                }
            }
        }
        finally
        {
            LibC.Close(rootFd);
        }
    }
}
