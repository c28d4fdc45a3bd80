namespace Build.Parser.Combinators;

/// <summary>The outcome of running a parser over a whole input: a value, or a <see cref="ParseFailure"/>.</summary>
public readonly record struct Result<T>(bool Success, T Value, ParseFailure? Failure, int Consumed)
{
    public T GetValueOrThrow() =>
        Success ? Value : throw new FormatException(Failure?.Message ?? "parse failed");
}
