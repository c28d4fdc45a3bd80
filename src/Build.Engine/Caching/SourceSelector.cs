using Build.Engine.Errors;
using Build.Parser.Ignore;

namespace Build.Engine.Caching;

/// <summary>
/// Resolves COPY/ADD sources against a build context as BuildKit's file op does for a Dockerfile: wildcards with Go
/// <c>filepath.Match</c> semantics in any path component (no match is not an error, as BuildKit sets
/// AllowEmptyWildcard), a named symlink is followed (inside the context only), a directory copies its contents,
/// <c>--exclude</c> drops entries, <c>--parents</c> keeps the source path.
/// </summary>
public sealed class SourceSelector
{
    private readonly BuildContext _context;

    public SourceSelector(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
    }

    /// <summary>The entries to copy, in source order, each directory's contents in walk order.</summary>
    /// <exception cref="BuildException">A source is missing (<see cref="ErrorCode.NotFound"/>) or leads outside the context (<see cref="ErrorCode.UnsafePath"/>).</exception>
    public IReadOnlyList<SelectedEntry> Select(CopySources spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        IgnoreMatcher excludes;
        try
        {
            excludes = IgnoreMatcher.Create(spec.Excludes ?? []);
        }
        catch (IgnorePatternException ex)
        {
            throw new BuildException(ErrorCode.InvalidArgument, $"--exclude: {ex.Message}", ex);
        }
        var output = new List<SelectedEntry>();
        foreach (string source in spec.Sources)
        {
            (string path, string pivot) = Normalize(source);
            if (GoGlob.HasMeta(path))
            {
                var matches = spec.Parents && path.Split('/').Contains("**") ? ExpandRecursive(path) : ExpandWildcards(path);
                foreach (string match in matches)
                    AddSource(output, source, match, pivot, spec.Parents, excludes);
            }
            else
            {
                AddSource(output, source, path, pivot, spec.Parents, excludes);
            }
        }
        return output;
    }

    // Cleans a source into a context-relative path. A leading "/" means the context root (as in BuildKit and the
    // classic builder); ".." that climbs out of the root is refused rather than clamped, so a typo cannot silently copy
    // a different file. "/./" marks the --parents pivot: the part before it is not kept.
    private static (string Path, string Pivot) Normalize(string source)
    {
        string pivot = "";
        // Backslashes are kept: on Linux they escape wildcard characters ("a\\*b" names the file "a*b").
        string s = source;
        int marker = s.IndexOf("/./", StringComparison.Ordinal);
        if (marker >= 0)
        {
            pivot = GoPath.Clean(s[..marker]).TrimStart('/');
            if (pivot == ".")
                pivot = "";
        }
        string cleaned = GoPath.Clean("./" + s.TrimStart('/'));
        if (cleaned == ".." || cleaned.StartsWith("../", StringComparison.Ordinal))
            throw new BuildException(ErrorCode.UnsafePath, $"COPY source \"{source}\": path is outside the build context");
        return (cleaned == "." ? "" : cleaned, pivot);
    }

    private List<string> ExpandWildcards(string pattern)
    {
        var matches = new List<string> { "" };
        foreach (string component in pattern.Split('/'))
        {
            var next = new List<string>();
            foreach (string dir in matches)
            {
                if (!GoGlob.HasMeta(component))
                {
                    string candidate = dir.Length == 0 ? component : dir + "/" + component;
                    if (_context.Resolve(candidate, followFinalSymlink: false) is not null)
                        next.Add(candidate);
                    continue;
                }
                ContextEntry? dirEntry = _context.Resolve(dir, followFinalSymlink: true);
                if (dirEntry is null || dirEntry.Type != ContextEntryType.Directory)
                    continue;
                foreach (ContextEntry child in ContextWalker.List(_context, dirEntry.Path))
                {
                    if (!GoGlob.TryMatch(component, child.Name, out bool ok))
                        throw new BuildException(ErrorCode.InvalidArgument, $"COPY source \"{pattern}\": syntax error in pattern");
                    if (ok)
                        next.Add(dir.Length == 0 ? child.Name : dir + "/" + child.Name);
                }
            }
            matches = next;
        }
        return matches;
    }

    // With --parents BuildKit turns the source into an include pattern (.dockerignore syntax) on the pivot directory,
    // where ** spans any number of directories; plain sources use Go's filepath.Match, where ** is just *.
    // Without this, `COPY --parents apps/**/*.css /out/` would copy only files exactly one level below apps/.
    private List<string> ExpandRecursive(string pattern)
    {
        string[] components = pattern.Split('/');
        string root = string.Join('/', components.TakeWhile(c => !GoGlob.HasMeta(c)));
        ContextEntry? rootEntry = _context.Resolve(root, followFinalSymlink: true);
        var result = new List<string>();
        if (rootEntry is null || rootEntry.Type != ContextEntryType.Directory)
            return result;
        IgnoreMatcher matcher;
        try
        {
            matcher = IgnoreMatcher.Create([pattern]);
        }
        catch (IgnorePatternException ex)
        {
            throw new BuildException(ErrorCode.InvalidArgument, $"COPY source \"{pattern}\": {ex.Message}", ex);
        }
        foreach (ContextEntry child in ContextWalker.Walk(_context, rootEntry.Path))
        {
            // A matched directory brings its whole subtree; its children are not matched again.
            if (result.Exists(r => child.Path.StartsWith(r + "/", StringComparison.Ordinal)))
                continue;
            if (matcher.IsIgnored(child.Path))
                result.Add(child.Path);
        }
        return result;
    }

    private void AddSource(List<SelectedEntry> output, string original, string path, string pivot, bool parents, IgnoreMatcher excludes)
    {
        ContextEntry? entry = _context.Resolve(path, followFinalSymlink: true);
        if (entry is null)
        {
            // Tell "you excluded it" apart from "it is not there": the first is the usual surprise.
            string why = _context.LStat(path) is not null ? "excluded by .dockerignore" : "not found in the build context";
            throw new BuildException(ErrorCode.NotFound, $"COPY source \"{original}\": {why}");
        }
        // The name under the destination: with --parents the path below the pivot, otherwise the base name.
        string kept = parents ? Relative(path, pivot) : (path.Length == 0 ? "" : path[(path.LastIndexOf('/') + 1)..]);
        if (parents && kept.Length > 0)
            AddParents(output, kept, pivot);

        if (entry.Type == ContextEntryType.Directory)
        {
            string baseTarget = parents ? kept : "";
            output.Add(new SelectedEntry(baseTarget.Length == 0 ? "." : baseTarget, entry));
            IgnoreMatchState excludeState = IgnoreMatchState.Root;
            var states = new Dictionary<string, IgnoreMatchState>(StringComparer.Ordinal) { [""] = excludeState };
            string prefix = entry.Path.Length == 0 ? "" : entry.Path + "/";
            foreach (ContextEntry child in ContextWalker.Walk(_context, entry.Path))
            {
                string inner = child.Path[prefix.Length..];
                if (excludes.Patterns.Count > 0)
                {
                    int slash = inner.LastIndexOf('/');
                    string parentInner = slash < 0 ? "" : inner[..slash];
                    if (!states.TryGetValue(parentInner, out IgnoreMatchState? parentState))
                        continue; // its parent directory was excluded
                    bool excluded = excludes.IsIgnored(inner, parentState, out IgnoreMatchState state);
                    if (excluded && !(child.Type == ContextEntryType.Directory && excludes.HasExclusions))
                        continue;
                    if (child.Type == ContextEntryType.Directory)
                        states[inner] = state;
                    if (excluded)
                        continue;
                }
                output.Add(new SelectedEntry(baseTarget.Length == 0 ? inner : baseTarget + "/" + inner, child));
            }
            return;
        }
        string name = kept.Length == 0 ? entry.Name : kept;
        if (excludes.Patterns.Count > 0 && excludes.IsIgnored(parents ? kept : name))
            return;
        output.Add(new SelectedEntry(name, entry));
    }

    // --parents creates the directories leading to the source with the modes they have in the context.
    private void AddParents(List<SelectedEntry> output, string kept, string pivot)
    {
        int slash = kept.IndexOf('/');
        while (slash > 0)
        {
            string dir = kept[..slash];
            string contextPath = pivot.Length == 0 ? dir : pivot + "/" + dir;
            ContextEntry? e = _context.Resolve(contextPath, followFinalSymlink: true);
            if (e is not null && !output.Exists(o => o.TargetPath == dir && o.Source.Type == ContextEntryType.Directory))
                output.Add(new SelectedEntry(dir, e));
            slash = kept.IndexOf('/', slash + 1);
        }
    }

    private static string Relative(string path, string pivot)
    {
        if (pivot.Length == 0)
            return path;
        if (path == pivot)
            return "";
        return path.StartsWith(pivot + "/", StringComparison.Ordinal) ? path[(pivot.Length + 1)..] : path;
    }
}
