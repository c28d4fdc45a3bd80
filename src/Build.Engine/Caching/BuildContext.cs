using Build.Engine.Errors;
using Build.Parser.Ignore;

namespace Build.Engine.Caching;

/// <summary>
/// A local build context: a root directory plus the <c>.dockerignore</c> rules that apply to it. Every path it accepts
/// is relative to the root; nothing it returns lies outside the root (symlinks are resolved only inside it).
/// </summary>
public sealed class BuildContext
{
    private const int MaxSymlinks = 40; // Linux's own limit for one path resolution (MAXSYMLINKS)

    public BuildContext(string root, IgnoreMatcher ignore)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(ignore);
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        if (!Directory.Exists(Root))
            throw new BuildException(ErrorCode.NotFound, $"build context {root}: directory not found");
        Ignore = ignore;
    }

    /// <summary>The absolute host path of the context root.</summary>
    public string Root { get; }

    public IgnoreMatcher Ignore { get; }

    /// <summary>
    /// Opens a context with its ignore file (<c>&lt;Dockerfile&gt;.dockerignore</c> next to the Dockerfile, else
    /// <c>.dockerignore</c> at the root).
    /// </summary>
    public static async Task<BuildContext> OpenAsync(string root, string? dockerfilePath, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!Directory.Exists(root))
            throw new BuildException(ErrorCode.NotFound, $"build context {root}: directory not found");
        try
        {
            return new BuildContext(root, await IgnoreFile.LoadAsync(root, dockerfilePath, ct).ConfigureAwait(false));
        }
        catch (IgnorePatternException ex)
        {
            throw new BuildException(ErrorCode.InvalidArgument, ex.Message, ex);
        }
    }

    /// <summary>The host path of a context-relative path (not resolved, not checked).</summary>
    public string HostPath(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        return relativePath.Length == 0 ? Root : Root + "/" + relativePath;
    }

    /// <summary>Stats a context-relative path without following a final symlink and without applying ignore rules.</summary>
    public ContextEntry? LStat(string relativePath)
    {
        string host = HostPath(relativePath);
        NativeStat.Result? st;
        try
        {
            st = NativeStat.LStat(host);
        }
        catch (IOException ex)
        {
            throw new BuildException(ErrorCode.Io, $"build context: {ex.Message}", ex);
        }
        if (st is not { } s)
            return null;
        string? target = s.Type == ContextEntryType.Symlink ? new FileInfo(host).LinkTarget : null;
        return new ContextEntry(relativePath, s.Type, s.Mode, s.Stamp.Size, target, s.DeviceNumber, s.Stamp);
    }

    /// <summary>
    /// Whether a context-relative path is excluded by <c>.dockerignore</c>. A directory that is excluded but holds
    /// re-included entries (<c>docs</c> + <c>!docs/README.md</c>) is visible, as the parent of those entries.
    /// </summary>
    public bool IsExcluded(ContextEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Path.Length == 0 || Ignore.Patterns.Count == 0)
            return false;
        try
        {
            if (!Ignore.IsIgnored(entry.Path))
                return false;
        }
        catch (IgnorePatternException ex)
        {
            throw new BuildException(ErrorCode.InvalidArgument, $".dockerignore: {ex.Message}", ex);
        }
        if (entry.Type != ContextEntryType.Directory)
            return true;
        IgnoreMatchState state = ContextWalker.StateOf(Ignore, entry.Path);
        return !ContextWalker.HasIncluded(this, entry.Path, state);
    }

    /// <summary>
    /// Resolves a context-relative path, following symlinks in its directory part (and in the final part when
    /// <paramref name="followFinalSymlink"/>) strictly inside the root. Returns null when the path does not exist or is
    /// excluded by <c>.dockerignore</c>.
    /// </summary>
    /// <exception cref="BuildException"><see cref="ErrorCode.UnsafePath"/>: the path or a symlink on it leads outside the context.</exception>
    public ContextEntry? Resolve(string relativePath, bool followFinalSymlink)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var pending = new Stack<string>();
        PushComponents(pending, relativePath);
        var resolved = new List<string>();
        int links = 0;
        ContextEntry? current = LStat("");
        while (pending.Count > 0)
        {
            string c = pending.Pop();
            if (c is "" or ".")
                continue;
            if (c == "..")
            {
                if (resolved.Count == 0)
                    throw new BuildException(ErrorCode.UnsafePath, $"{relativePath}: path leads outside the build context");
                resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            string candidate = resolved.Count == 0 ? c : string.Join('/', resolved) + "/" + c;
            ContextEntry? entry = LStat(candidate);
            if (entry is null)
                return null;
            if (entry.Type == ContextEntryType.Symlink && (pending.Count > 0 || followFinalSymlink))
            {
                if (++links > MaxSymlinks)
                    throw new BuildException(ErrorCode.UnsafePath, $"{relativePath}: too many levels of symbolic links");
                string target = entry.LinkTarget ?? "";
                // An absolute target names a host path; following it would read outside the context.
                if (target.StartsWith('/'))
                    throw new BuildException(ErrorCode.UnsafePath, $"{relativePath}: symlink {candidate} -> {target} points outside the build context");
                if (!StaysInside(resolved.Count, target))
                    throw new BuildException(ErrorCode.UnsafePath, $"{relativePath}: symlink {candidate} -> {target} points outside the build context");
                PushComponents(pending, target);
                continue;
            }
            if (pending.Count > 0 && entry.Type != ContextEntryType.Directory)
                return null; // "file/x": not a directory
            resolved.Add(c);
            current = entry;
        }
        if (current is null)
            return null;
        return IsExcluded(current) ? null : current;
    }

    private static bool StaysInside(int depth, string target)
    {
        foreach (string part in target.Split('/'))
        {
            if (part == "..")
            {
                if (--depth < 0)
                    return false;
            }
            else if (part is not ("" or "."))
            {
                depth++;
            }
        }
        return true;
    }

    private static void PushComponents(Stack<string> pending, string path)
    {
        string[] parts = path.Split('/');
        for (int i = parts.Length - 1; i >= 0; i--)
            pending.Push(parts[i]);
    }
}
