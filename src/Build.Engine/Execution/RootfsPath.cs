using Build.Engine.Errors;

namespace Build.Engine.Execution;

/// <summary>
/// Maps a path inside a rootfs to a host path, following symlinks as the container would see them:
/// absolute links and <c>..</c> are clamped to the rootfs, so an image cannot point the builder at a
/// host file (the securejoin rule runc and BuildKit use).
/// </summary>
public static class RootfsPath
{
    private const int MaxLinks = 255;

    /// <summary>The host path of <paramref name="path"/> inside <paramref name="root"/>; the last
    /// component is followed too when it is a symlink. Missing components are kept as written.</summary>
    public static string Resolve(string root, string path)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(path);
        root = Path.GetFullPath(root).TrimEnd('/');
        var pending = new Stack<string>(Split(path).Reverse());
        var resolved = new List<string>();
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".")
                continue;
            if (part == "..")
            {
                if (resolved.Count > 0)
                    resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            var candidate = root + "/" + string.Join('/', resolved.Append(part));
            // LinkTarget is readlink(2): null for a non-link or a missing path.
            var target = new FileInfo(candidate).LinkTarget;
            if (target is not null)
            {
                if (++links > MaxLinks)
                    throw new BuildException(ErrorCode.UnsafePath, $"too many levels of symbolic links resolving {path} in {root}");
                if (target.StartsWith('/'))
                    resolved.Clear();
                foreach (var p in Split(target).Reverse())
                    pending.Push(p);
                continue;
            }
            resolved.Add(part);
        }
        return resolved.Count == 0 ? root : root + "/" + string.Join('/', resolved);
    }

    private static IEnumerable<string> Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);
}
