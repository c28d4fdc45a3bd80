namespace Build.Parser.Combinators;

/// <summary>
/// A range of the input, by offset and length. Parsers that only recognise text return slices so that no
/// string is allocated until (and unless) the caller wants one.
/// </summary>
public readonly record struct TextSlice(int Offset, int Length)
{
    public int End => Offset + Length;

    public ReadOnlySpan<char> Of(ReadOnlySpan<char> input) => input.Slice(Offset, Length);

    public string ToString(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Substring(Offset, Length);
    }
}
