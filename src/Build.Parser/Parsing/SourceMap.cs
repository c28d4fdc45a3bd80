using Build.Parser.Combinators;
using Build.Parser.Syntax;

namespace Build.Parser.Parsing;

/// <summary>
/// The physical lines of a Dockerfile text and the mapping from a logical line's offsets back to them.
/// A logical line is physical pieces joined (continuations removed); each piece remembers where it came from,
/// so any offset in the logical line maps to a line and column of the file.
/// </summary>
internal sealed class SourceMap
{
    private readonly string _text;
    private readonly int[] _lineStarts;   // offset of each line's first character
    private readonly int[] _contentEnds;  // offset after the last character that is not a trailing CR/LF
    private readonly int[] _lineEnds;     // offset after the line's LF (or end of text)

    public SourceMap(string text)
    {
        _text = text;
        int start = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        var starts = new List<int>();
        var contentEnds = new List<int>();
        var ends = new List<int>();
        int i = start;
        while (i < text.Length)
        {
            int newline = text.IndexOf('\n', i);
            int end = newline < 0 ? text.Length : newline + 1;
            int contentEnd = end;
            while (contentEnd > i && text[contentEnd - 1] is '\r' or '\n')
                contentEnd--;
            starts.Add(i);
            contentEnds.Add(contentEnd);
            ends.Add(end);
            i = end;
        }
        _lineStarts = [.. starts];
        _contentEnds = [.. contentEnds];
        _lineEnds = [.. ends];
    }

    public string Text => _text;

    public int LineCount => _lineStarts.Length;

    public int LineStart(int line) => _lineStarts[line];

    public int ContentEnd(int line) => _contentEnds[line];

    public int LineEnd(int line) => _lineEnds[line];

    /// <summary>Line content without trailing CR/LF.</summary>
    public ReadOnlySpan<char> Content(int line) => _text.AsSpan(_lineStarts[line], _contentEnds[line] - _lineStarts[line]);

    /// <summary>The raw line including its line ending.</summary>
    public ReadOnlySpan<char> Raw(int line) => _text.AsSpan(_lineStarts[line], _lineEnds[line] - _lineStarts[line]);

    public SourcePosition Position(int line, int offset) => new(line + 1, offset - _lineStarts[line] + 1, offset);

    public SourcePosition LineContentEndPosition(int line) => Position(line, _contentEnds[line]);

    public SourceSpan LineSpan(int line) => new(Position(line, _lineStarts[line]), LineContentEndPosition(line));

    /// <summary>The start of the text (after a BOM).</summary>
    public SourcePosition TextStart => _lineStarts.Length > 0 ? Position(0, _lineStarts[0]) : SourcePosition.Start;
}

/// <summary>Where each piece of a logical line came from.</summary>
internal sealed class LogicalLine
{
    private readonly List<(int LogicalStart, int Line, int Offset)> _pieces = new(2);
    private readonly System.Text.StringBuilder _text = new();
    private readonly SourceMap _map;

    public LogicalLine(SourceMap map) => _map = map;

    public void Append(int line, int offset, ReadOnlySpan<char> piece)
    {
        _pieces.Add((_text.Length, line, offset));
        _text.Append(piece);
    }

    public void Clear()
    {
        _pieces.Clear();
        _text.Clear();
    }

    public int Length => _text.Length;

    public override string ToString() => _text.ToString();

    /// <summary>The file position of logical offset <paramref name="logicalOffset"/>.</summary>
    public SourcePosition Position(int logicalOffset)
    {
        int index = _pieces.Count - 1;
        while (index > 0 && _pieces[index].LogicalStart > logicalOffset)
            index--;
        // An offset at a piece boundary belongs to the end of the previous piece when it ends there (a span's
        // exclusive end should stay on the line the text is on).
        var piece = _pieces[index];
        return _map.Position(piece.Line, piece.Offset + (logicalOffset - piece.LogicalStart));
    }

    public SourceSpan Span(int start, int end)
    {
        var from = Position(start);
        var to = end > start ? EndPosition(end) : from;
        return new SourceSpan(from, to);
    }

    private SourcePosition EndPosition(int logicalEnd)
    {
        int index = _pieces.Count - 1;
        while (index > 0 && _pieces[index].LogicalStart >= logicalEnd)
            index--;
        var piece = _pieces[index];
        return _map.Position(piece.Line, piece.Offset + (logicalEnd - piece.LogicalStart));
    }
}
