namespace Build.Parser.Ignore;

/// <summary>
/// What a directory's evaluation knows for its children: which patterns matched the directory or one of its ancestors.
/// A child then only tests each pattern against its own path, so a walk costs one pattern test per path and pattern.
/// </summary>
public sealed class IgnoreMatchState
{
    internal IgnoreMatchState(bool[] hits) => Hits = hits;

    /// <summary>The state of the context root: nothing matched yet.</summary>
    public static IgnoreMatchState Root { get; } = new([]);

    internal bool[] Hits { get; }
}
