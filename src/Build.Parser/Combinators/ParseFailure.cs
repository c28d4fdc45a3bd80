namespace Build.Parser.Combinators;

/// <summary>
/// Why a parse failed: the furthest position any alternative reached, what the grammar expected there and what
/// it found instead. <see cref="Message"/> reads "expected X or Y, got Z at line:col".
/// </summary>
public sealed record ParseFailure(SourcePosition Position, IReadOnlyList<string> Expected, string Unexpected)
{
    public string Message
    {
        get
        {
            string expected = Expected.Count switch
            {
                0 => "something else",
                1 => Expected[0],
                _ => string.Join(", ", Expected.Take(Expected.Count - 1)) + " or " + Expected[^1],
            };
            return $"expected {expected}, got {Unexpected} at {Position}";
        }
    }

    public override string ToString() => Message;
}
