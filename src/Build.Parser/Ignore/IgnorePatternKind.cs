namespace Build.Parser.Ignore;

/// <summary>How a pattern is tested (DOCKERIGNORE.md §3): chosen from its shape when the matcher is built.</summary>
public enum IgnorePatternKind
{
    /// <summary>No wildcard: string equality.</summary>
    Exact,

    /// <summary><c>literal/**</c>: the path starts with <c>literal/</c>.</summary>
    Prefix,

    /// <summary><c>**literal</c>: the path ends with the literal (or equals it without its leading <c>/</c>).</summary>
    Suffix,

    /// <summary>Anything else: a full match of the translated regular expression.</summary>
    Glob,
}
