namespace Build.Parser.Syntax;

/// <summary>A parser directive at the top of the file (<c># syntax=...</c>, <c># escape=`</c>, <c># check=...</c>).</summary>
/// <param name="Name">The key, lower-cased (<c>syntax</c>, <c>escape</c> or <c>check</c>).</param>
/// <param name="Value">The value with surrounding blanks removed.</param>
public sealed record ParserDirective(string Name, string Value, SourceSpan Span);
