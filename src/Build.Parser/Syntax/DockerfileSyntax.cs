using Build.Parser.Diagnostics;

namespace Build.Parser.Syntax;

/// <summary>
/// The whole file at the syntax level: directives, instructions in source order, and what went wrong.
/// </summary>
/// <param name="EscapeToken">The escape character in effect (<c>\</c> or <c>`</c>).</param>
/// <param name="Span">From the first instruction's start to the last instruction's end (FORMATS.md §6).</param>
public sealed record DockerfileSyntax(
    string FileName,
    ValueList<ParserDirective> Directives,
    ValueList<InstructionNode> Instructions,
    ValueList<Diagnostic> Diagnostics,
    char EscapeToken,
    SourceSpan Span)
{
    /// <summary>The <c># syntax=</c> value, if given.</summary>
    public string? Syntax => Directive("syntax");

    /// <summary>The <c># check=</c> value, if given.</summary>
    public string? Check => Directive("check");

    private string? Directive(string name)
    {
        foreach (var directive in Directives)
        {
            if (directive.Name == name)
                return directive.Value;
        }
        return null;
    }
}
