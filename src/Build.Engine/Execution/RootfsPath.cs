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
        // LinkTarget is readlink(2): null for a non-link or a missing path.
        var rel = ResolveRelative(path, r => new FileInfo(root + "/" + r).LinkTarget, root);
        return rel.Length == 0 ? root : root + "/" + rel;
    }

    /// <summary>
    /// The same resolution over any tree (e.g. a stack of layers not mounted anywhere):
    /// <paramref name="readLink"/> gives the link target of a path relative to the root (no leading
    /// slash), or null when it is not a symlink or does not exist. Returns the resolved relative path.
    /// </summary>
    public static string ResolveRelative(string path, Func<string, string?> readLink, string rootName = "the rootfs")
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(readLink);
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
            var target = readLink(string.Join('/', resolved.Append(part)));
            if (target is not null)
            {
                if (++links > MaxLinks)
                    throw new BuildException(ErrorCode.UnsafePath, $"too many levels of symbolic links resolving {path} in {rootName}");
                if (target.StartsWith('/'))
                    resolved.Clear();
                foreach (var p in Split(target).Reverse())
                    pending.Push(p);
                continue;
            }
            resolved.Add(part);
        }
        return string.Join('/', resolved);
    }

    private static IEnumerable<string> Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);
}
