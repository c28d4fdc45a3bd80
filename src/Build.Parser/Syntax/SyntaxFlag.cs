namespace Build.Parser.Syntax;

/// <summary>
/// One <c>--name[=value]</c> flag as written before an instruction's arguments. <see cref="Text"/> is the
/// stored form BuildKit uses (quotes removed, escapes resolved, variables NOT expanded), e.g.
/// <c>--chown=app user</c> for <c>--chown="app user"</c>.
/// </summary>
/// <param name="Name">The part between <c>--</c> and the first <c>=</c> (case as written).</param>
/// <param name="Value">The part after the first <c>=</c>, or null when there is no <c>=</c> (<c>--link</c>).</param>
public sealed record SyntaxFlag(string Text, string Name, string? Value, SourceSpan Span)
{
    public bool HasValue => Value is not null;
}
