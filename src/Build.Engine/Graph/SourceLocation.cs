namespace Build.Engine.Graph;

/// <summary>
/// Where an instruction came from, for error messages (<c>Dockerfile:12:1</c>). 1-based line and column.
/// Never part of a cache key: moving an instruction down a line must not invalidate it.
/// </summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}
