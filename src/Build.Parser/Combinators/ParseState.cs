namespace Build.Parser.Combinators;

/// <summary>
/// The cursor a parser advances: the input span, the current offset and the furthest failure seen so far.
/// A <c>ref struct</c> so that parsing a span never copies or boxes the input; parsers receive it by reference.
/// </summary>
/// <remarks>
/// Error tracking follows the "furthest failure wins" rule: a failure at a later offset replaces the expected
/// set, one at the same offset adds to it, one at an earlier offset is ignored. That gives
/// "expected ']' or ',', got 'x'" for the alternative that got furthest rather than for the last one tried.
/// The expected labels live in a list that is allocated on the first failure only and reused afterwards.
/// </remarks>
public ref struct ParseState
{
    private List<string>? _expected;

    public ParseState(ReadOnlySpan<char> input)
    {
        Input = input;
        Position = 0;
        ErrorOffset = -1;
        _expected = null;
    }

    /// <summary>The whole input (parsers look at <c>Input[Position..]</c>).</summary>
    public ReadOnlySpan<char> Input { get; }

    /// <summary>Offset of the next unread character.</summary>
    public int Position { get; set; }

    /// <summary>Offset of the furthest failure recorded, or -1.</summary>
    public int ErrorOffset { get; private set; }

    public readonly bool AtEnd => Position >= Input.Length;

    public readonly char Current => Input[Position];

    public readonly ReadOnlySpan<char> Remaining => Input[Position..];

    internal readonly int ExpectedCount => _expected?.Count ?? 0;

    /// <summary>Records that <paramref name="label"/> was expected at <paramref name="offset"/>.</summary>
    public void Expected(int offset, string label)
    {
        if (offset < ErrorOffset)
            return;
        _expected ??= new List<string>(4);
        if (offset > ErrorOffset)
        {
            _expected.Clear();
            ErrorOffset = offset;
        }
        if (!_expected.Contains(label))
            _expected.Add(label);
    }

    /// <summary>
    /// Replaces whatever was expected at <paramref name="offset"/> since the snapshot (<paramref name="countBefore"/>
    /// labels at <paramref name="errorOffsetBefore"/>) by one label. Used by <c>Labelled</c>.
    /// </summary>
    internal void Relabel(int offset, int errorOffsetBefore, int countBefore, string label)
    {
        if (ErrorOffset != offset)
            return; // the inner parser failed deeper (after a Try); its message is more precise, keep it
        if (errorOffsetBefore == offset)
            _expected!.RemoveRange(countBefore, _expected.Count - countBefore);
        else
            _expected!.Clear();
        if (!_expected.Contains(label))
            _expected.Add(label);
    }

    /// <summary>Builds the failure description for the furthest error.</summary>
    public readonly ParseFailure BuildFailure()
    {
        int offset = Math.Max(ErrorOffset, 0);
        string unexpected = offset >= Input.Length ? "end of input" : Describe(Input[offset]);
        IReadOnlyList<string> expected = _expected is null ? [] : _expected.ToArray();
        return new ParseFailure(SourcePosition.FromOffset(Input, offset), expected, unexpected);
    }

    private static string Describe(char c) => c switch
    {
        '\n' => "end of line",
        '\r' => "'\\r'",
        '\t' => "'\\t'",
        _ when char.IsControl(c) => $"'\\u{(int)c:x4}'",
        _ => $"'{c}'",
    };
}
