namespace Build.Parser.Syntax;

/// <summary>One <c>name[=default]</c> of an ARG instruction, raw (quotes and <c>$VARS</c> kept in the default).</summary>
/// <param name="DefaultValue">Null when no <c>=</c> was given (<c>ARG name</c>), which imports a global ARG.</param>
public sealed record ArgDeclaration(string Name, string? DefaultValue, SourceSpan Span)
{
    public bool HasDefault => DefaultValue is not null;
}
