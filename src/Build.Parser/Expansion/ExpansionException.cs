namespace Build.Parser.Expansion;

/// <summary>
/// A word could not be expanded (unterminated quote, bad substitution, <c>${X:?message}</c>). The message is one
/// sentence without a location; the caller, which knows the instruction's file, line and column, adds it.
/// </summary>
public sealed class ExpansionException : Exception
{
    public ExpansionException()
    {
    }

    public ExpansionException(string message)
        : base(message)
    {
    }

    public ExpansionException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
