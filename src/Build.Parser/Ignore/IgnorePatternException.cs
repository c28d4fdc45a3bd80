namespace Build.Parser.Ignore;

/// <summary>A <c>.dockerignore</c> (or <c>--exclude</c>) pattern is malformed: "syntax error in pattern" or "illegal exclusion pattern".</summary>
public sealed class IgnorePatternException : Exception
{
    public IgnorePatternException()
    {
    }

    public IgnorePatternException(string message)
        : base(message)
    {
    }

    public IgnorePatternException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
