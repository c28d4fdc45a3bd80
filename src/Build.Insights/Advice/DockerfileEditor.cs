namespace Build.Insights.Advice;

/// <summary>
/// The Dockerfile as a list of blocks (one per instruction, with its continuation and heredoc lines, plus the
/// comment and blank lines between), each known by the line it started on in the original. Edits address
/// blocks by that line, so several suggestions can edit one file in turn without recomputing positions.
/// </summary>
internal sealed class DockerfileEditor
{
    private readonly List<Block> blocks = [];

    public DockerfileEditor(string text, IEnumerable<(int StartLine, int EndLine)> instructions)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        EndsWithNewline = lines.Count > 0 && lines[^1].Length == 0;
        if (EndsWithNewline)
            lines.RemoveAt(lines.Count - 1);
        int next = 1;
        foreach (var (start, end) in instructions.OrderBy(i => i.StartLine))
        {
            if (start < next)
                continue;
            if (start > next)
                blocks.Add(new Block(null, lines.GetRange(next - 1, start - next)));
            int last = Math.Min(Math.Max(end, start), lines.Count);
            blocks.Add(new Block(start, lines.GetRange(start - 1, last - start + 1)));
            next = last + 1;
        }
        if (next <= lines.Count)
            blocks.Add(new Block(null, lines.GetRange(next - 1, lines.Count - next + 1)));
    }

    private bool EndsWithNewline { get; }

    public IReadOnlyList<string> LinesOf(int line) => Find(line).Lines;

    public void InsertBefore(int line, IEnumerable<string> lines) =>
        blocks.Insert(IndexOf(line), new Block(null, lines.ToList()));

    /// <summary>Inserts after the block of <paramref name="line"/> (and after anything already inserted there).</summary>
    public void InsertAfter(int line, IEnumerable<string> lines)
    {
        int i = IndexOf(line) + 1;
        while (i < blocks.Count && blocks[i].Line is null && blocks[i].Inserted)
            i++;
        blocks.Insert(i, new Block(null, lines.ToList()) { Inserted = true });
    }

    public void Move(int line, int beforeLine)
    {
        var block = Find(line);
        blocks.Remove(block);
        blocks.Insert(IndexOf(beforeLine), block);
    }

    public void MoveAfter(int line, int afterLine)
    {
        var block = Find(line);
        blocks.Remove(block);
        blocks.Insert(IndexOf(afterLine) + 1, block);
    }

    public void Replace(int line, IEnumerable<string> lines)
    {
        int i = IndexOf(line);
        blocks[i] = blocks[i] with { Lines = lines.ToList() };
    }

    public string Text()
    {
        string text = string.Join('\n', blocks.SelectMany(b => b.Lines));
        return EndsWithNewline ? text + "\n" : text;
    }

    private Block Find(int line) => blocks[IndexOf(line)];

    private int IndexOf(int line)
    {
        int i = blocks.FindIndex(b => b.Line == line);
        return i >= 0 ? i : throw new InvalidOperationException($"no instruction starts on line {line}");
    }

    private sealed record Block(int? Line, List<string> Lines)
    {
        public bool Inserted { get; init; }
    }
}
