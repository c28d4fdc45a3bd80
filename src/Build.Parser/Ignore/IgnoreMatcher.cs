namespace Build.Parser.Ignore;

/// <summary>
/// An ordered list of <c>.dockerignore</c> patterns (DOCKERIGNORE.md §4). A path is ignored when the <em>last</em> pattern
/// that matches it or one of its ancestor directories is an include pattern: the "last match wins" loop of
/// patternmatcher's <c>MatchesOrParentMatches</c> always ends in the state set by the last pattern that hit, because an
/// include hit sets "ignored" and an exclusion hit clears it whenever it is evaluated. Immutable and thread-safe.
/// </summary>
public sealed class IgnoreMatcher
{
    private readonly IgnorePattern[] _patterns;

    private IgnoreMatcher(IgnorePattern[] patterns)
    {
        _patterns = patterns;
        HasExclusions = Array.Exists(patterns, p => p.IsExclusion);
    }

    /// <summary>A matcher that ignores nothing.</summary>
    public static IgnoreMatcher Empty { get; } = new([]);

    /// <summary>The compiled patterns in file order (empty ones dropped).</summary>
    public IReadOnlyList<IgnorePattern> Patterns => _patterns;

    /// <summary>True when some pattern starts with <c>!</c>: ignored directories may then hold re-included files.</summary>
    public bool HasExclusions { get; }

    /// <summary>Builds a matcher; throws <see cref="IgnorePatternException"/> for a malformed pattern or a bare <c>!</c>.</summary>
    public static IgnoreMatcher Create(IEnumerable<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var list = new List<IgnorePattern>();
        foreach (string p in patterns)
        {
            IgnorePattern? compiled = IgnorePattern.Create(p);
            if (compiled is not null)
                list.Add(compiled);
        }
        return list.Count == 0 ? Empty : new IgnoreMatcher([.. list]);
    }

    /// <summary>
    /// Whether <paramref name="path"/> (relative to the context root, <c>/</c>-separated, no leading <c>/</c>) is ignored,
    /// considering the path and all its ancestors. The root (<c>.</c> or empty) is never ignored.
    /// </summary>
    public bool IsIgnored(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0 || path == "." || _patterns.Length == 0)
            return false;
        for (int i = _patterns.Length - 1; i >= 0; i--)
        {
            if (HitsPathOrAncestor(_patterns[i], path))
                return !_patterns[i].IsExclusion;
        }
        return false;
    }

    /// <summary>
    /// Incremental form for a walker: evaluates <paramref name="path"/>, a child of the directory whose evaluation produced
    /// <paramref name="parent"/> (use <see cref="IgnoreMatchState.Root"/> for top-level entries), and returns the state to
    /// pass to this path's own children.
    /// </summary>
    public bool IsIgnored(string path, IgnoreMatchState parent, out IgnoreMatchState state)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(parent);
        if (_patterns.Length == 0)
        {
            state = IgnoreMatchState.Root;
            return false;
        }
        bool[] parentHits = parent.Hits;
        var hits = new bool[_patterns.Length];
        bool ignored = false;
        for (int i = 0; i < _patterns.Length; i++)
        {
            bool hit = parentHits.Length != 0 ? parentHits[i] || _patterns[i].Matches(path.AsSpan()) : HitsPathOrAncestor(_patterns[i], path);
            hits[i] = hit;
            if (hit)
                ignored = !_patterns[i].IsExclusion;
        }
        state = new IgnoreMatchState(hits);
        return ignored;
    }

    /// <summary>
    /// Whether a file that is a child of a directory with state <paramref name="parent"/> is ignored; cheaper than the
    /// state-producing overload because it stops at the last pattern that hits.
    /// </summary>
    public bool IsIgnoredFile(string path, IgnoreMatchState parent)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(parent);
        bool[] parentHits = parent.Hits;
        for (int i = _patterns.Length - 1; i >= 0; i--)
        {
            bool hit = parentHits.Length != 0 ? parentHits[i] || _patterns[i].Matches(path.AsSpan()) : HitsPathOrAncestor(_patterns[i], path);
            if (hit)
                return !_patterns[i].IsExclusion;
        }
        return false;
    }

    /// <summary>
    /// For an ignored directory: could anything below it be re-included? Only an exclusion pattern that can match a path
    /// strictly below the directory can do that (the directory's own hits are inherited by every child), so when this is
    /// false the walker may skip the directory without reading it.
    /// </summary>
    public bool CanIncludeBelow(string dir)
    {
        ArgumentNullException.ThrowIfNull(dir);
        foreach (IgnorePattern p in _patterns)
        {
            if (p.IsExclusion && p.CanMatchBelow(dir))
                return true;
        }
        return false;
    }

    private static bool HitsPathOrAncestor(IgnorePattern pattern, string path)
    {
        if (pattern.Matches(path.AsSpan()))
            return true;
        for (int slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            if (pattern.Matches(path.AsSpan(0, slash)))
                return true;
        }
        return false;
    }
}
