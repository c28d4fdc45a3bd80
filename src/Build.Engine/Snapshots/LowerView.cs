namespace Build.Engine.Snapshots;

/// <summary>
/// The merged view of a stack of unpacked layers (overlay-native whiteouts), computed without mounting:
/// what overlayfs would show as the lower tree. Used by the copy fallback to diff a step's result.
/// </summary>
public sealed class LowerView
{
    private const string OpaqueXattr = "trusted.overlay.opaque";
    private readonly IReadOnlyList<string> _topFirst;

    public LowerView(IReadOnlyList<string> lowersTopFirst) => _topFirst = lowersTopFirst;

    /// <summary>The visible children of a directory (relative path, "" for the root): name → host path of the topmost entry.</summary>
    public Dictionary<string, string> Children(string rel)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var hidden = new HashSet<string>(StringComparer.Ordinal);
        foreach (var layer in _topFirst)
        {
            var dir = Join(layer, rel);
            if (!SnapshotNative.TryLstat(dir, out var st))
            {
                if (rel.Length > 0 && Blocked(layer, rel))
                    break;
                continue;
            }
            if (!st.IsDirectory)
                break; // a non-directory here hides every lower directory of that name
            foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
            {
                var name = Path.GetFileName(entry);
                if (result.ContainsKey(name) || hidden.Contains(name))
                    continue;
                var est = SnapshotNative.Lstat(entry);
                if (est.IsWhiteout)
                    hidden.Add(name);
                else
                    result[name] = entry;
            }
            if (IsOpaque(dir))
                break;
        }
        return result;
    }

    /// <summary>
    /// The host path of the topmost visible entry at <paramref name="rel"/> (relative, no leading slash), or null
    /// when no layer has it or an upper layer hides it (a whiteout, a non-directory ancestor, an opaque directory).
    /// </summary>
    public string? Find(string rel)
    {
        if (rel.Length == 0)
            return _topFirst.Count > 0 ? _topFirst[0] : null;
        foreach (var layer in _topFirst)
        {
            var path = Join(layer, rel);
            if (SnapshotNative.TryLstat(path, out var st))
                return st.IsWhiteout ? null : path;
            if (Blocked(layer, rel))
                return null;
        }
        return null;
    }

    /// <summary>True when <paramref name="rel"/> is missing from this layer and an ancestor in it hides
    /// the lower layers' versions: a whiteout or other non-directory, or an opaque directory.</summary>
    private static bool Blocked(string layer, string rel)
    {
        var parts = rel.Split('/');
        var path = layer;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            path = path + "/" + parts[i];
            if (!SnapshotNative.TryLstat(path, out var st))
                return false;
            if (!st.IsDirectory || IsOpaque(path))
                return true;
        }
        return false;
    }

    public static bool IsOpaque(string dir)
    {
        var v = Archive.Native.LibC.GetXattr(dir, OpaqueXattr);
        return v is [(byte)'y', ..];
    }

    public static string Join(string root, string rel) => rel.Length == 0 ? root : root + "/" + rel;
}
