namespace Build.Parser.Combinators;

/// <summary>
/// A point in a text: 1-based line and column (columns count UTF-16 code units) and the 0-based
/// offset into the text.
/// </summary>
public readonly record struct SourcePosition(int Line, int Column, int Offset)
{
    /// <summary>The position before the first character.</summary>
    public static SourcePosition Start => new(1, 1, 0);

    /// <summary>Computes the line and column of <paramref name="offset"/> by scanning <paramref name="text"/>.</summary>
    /// <remarks>Only used when a position is actually needed (errors), so successful parses never pay for it.</remarks>
    public static SourcePosition FromOffset(ReadOnlySpan<char> text, int offset)
    {
        offset = Math.Clamp(offset, 0, text.Length);
        int line = 1, lineStart = 0;
        for (int i = 0; i < offset; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        return new SourcePosition(line, offset - lineStart + 1, offset);
    }

    public override string ToString() => $"{Line}:{Column}";
}
