namespace Build.Parser.Combinators;

/// <summary>
/// The cursor a parser advances: the input span, the current offset and the furthest failure seen so far.
/// A <c>ref struct</c> so that parsing a span never copies or boxes the input; parsers receive it by reference.
/// </summary>
/// <remarks>
/// Error tracking follows the "furthest failure wins" rule: a failure at a later offset replaces the expected
/// set, one at the same offset adds to it, one at an earlier offset is ignored. That gives
/// "expected ']' or ',', got 'x'" for the alternative that got furthest rather than for the last one tried.
/// The first four expected labels live in fields of the struct; a list is allocated only when one position has
/// more alternatives than that, so an ordinary parse (which ends every repetition with a failure) allocates nothing
/// for error tracking.
/// </remarks>
public ref struct ParseState
{
    private string? _e0, _e1, _e2, _e3;
    private List<string>? _overflow;
    private int _count;

    public ParseState(ReadOnlySpan<char> input)
    {
        Input = input;
        Position = 0;
        ErrorOffset = -1;
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

    internal readonly int ExpectedCount => _count;

    /// <summary>Records that <paramref name="label"/> was expected at <paramref name="offset"/>.</summary>
    public void Expected(int offset, string label)
    {
        if (offset < ErrorOffset)
            return;
        if (offset > ErrorOffset)
        {
            _count = 0;
            ErrorOffset = offset;
        }
        if (!Contains(label))
            Add(label);
    }

    /// <summary>
    /// Replaces whatever was expected at <paramref name="offset"/> since the snapshot (<paramref name="countBefore"/>
    /// labels at <paramref name="errorOffsetBefore"/>) by one label. Used by <c>Labelled</c>.
    /// </summary>
    internal void Relabel(int offset, int errorOffsetBefore, int countBefore, string label)
    {
        if (ErrorOffset != offset)
            return; // the inner parser failed deeper (after a Try); its message is more precise, keep it
        _count = errorOffsetBefore == offset ? countBefore : 0;
        if (!Contains(label))
            Add(label);
    }

    private readonly string Get(int index) => index switch
    {
        0 => _e0!,
        1 => _e1!,
        2 => _e2!,
        3 => _e3!,
        _ => _overflow![index - 4],
    };

    private readonly bool Contains(string label)
    {
        for (int i = 0; i < _count; i++)
        {
            if (string.Equals(Get(i), label, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    private void Add(string label)
    {
        switch (_count)
        {
            case 0: _e0 = label; break;
            case 1: _e1 = label; break;
            case 2: _e2 = label; break;
            case 3: _e3 = label; break;
            default:
                _overflow ??= new List<string>(4);
                if (_overflow.Count > _count - 4)
                    _overflow.RemoveRange(_count - 4, _overflow.Count - (_count - 4));
                _overflow.Add(label);
                break;
        }
        _count++;
    }

    /// <summary>Builds the failure description for the furthest error.</summary>
    public readonly ParseFailure BuildFailure()
    {
        int offset = Math.Max(ErrorOffset, 0);
        string unexpected = offset >= Input.Length ? "end of input" : Describe(Input[offset]);
        var expected = new string[_count];
        for (int i = 0; i < expected.Length; i++)
            expected[i] = Get(i);
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
