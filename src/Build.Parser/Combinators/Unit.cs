namespace Build.Parser.Combinators;

/// <summary>The result of a parser that recognises input but produces no value.</summary>
public readonly record struct Unit
{
    public static Unit Value => default;
}
