using Build.Parser.Combinators;

namespace Build.Parser.Syntax;

/// <summary>
/// A range of a Dockerfile: <see cref="Start"/> is the first character, <see cref="End"/> the position just
/// after the last one (exclusive). Lines and columns are 1-based; columns count UTF-16 code units of the
/// physical line (a UTF-8 BOM is not counted).
/// </summary>
public readonly record struct SourceSpan(SourcePosition Start, SourcePosition End)
{
    public int StartLine => Start.Line;

    public int StartColumn => Start.Column;

    public int EndLine => End.Line;

    public int EndColumn => End.Column;

    /// <summary>A zero-width span at <paramref name="position"/>.</summary>
    public static SourceSpan At(SourcePosition position) => new(position, position);

    /// <summary>The smallest span covering both.</summary>
    public SourceSpan Union(SourceSpan other) => new(
        other.Start.Offset < Start.Offset ? other.Start : Start,
        other.End.Offset > End.Offset ? other.End : End);

    public override string ToString() => $"{Start.Line}:{Start.Column}-{End.Line}:{End.Column}";
}
