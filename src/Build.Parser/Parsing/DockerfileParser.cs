using Build.Parser.Diagnostics;
using Build.Parser.Syntax;

namespace Build.Parser.Parsing;

/// <summary>
/// The parser's entry point. <see cref="Parse"/> never throws on any input: whatever the text, it returns a
/// syntax tree, the typed instructions it could build and diagnostics for the rest.
/// </summary>
public static class DockerfileParser
{
    /// <summary>Parses <paramref name="text"/> (a UTF-8 BOM and CRLF line endings are accepted).</summary>
    /// <param name="fileName">Used in diagnostics (<c>FILE:LINE:COL: message</c>).</param>
    public static ParseResult Parse(string text, string fileName = "Dockerfile")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        var reader = new SyntaxReader(text, fileName);
        var syntax = reader.Read();
        var diagnostics = new List<Diagnostic>(reader.Diagnostics);
        var typer = new InstructionTyper(fileName, diagnostics);
        var instructions = new List<Instruction>(syntax.Instructions.Count);
        foreach (var node in syntax.Instructions)
        {
            if (typer.Type(node) is { } instruction)
                instructions.Add(instruction);
        }
        diagnostics = [.. diagnostics.OrderBy(static d => d.Span.Start.Offset)]; // stable: same-offset diagnostics keep their order
        return new ParseResult(syntax with { Diagnostics = ValueList<Diagnostic>.From(diagnostics) }, new Dockerfile(ValueList<Instruction>.From(instructions)),
            ValueList<Diagnostic>.From(diagnostics));
    }

    /// <summary>Only the syntax layer (what <c>parse --dump</c> prints), with its own diagnostics.</summary>
    public static DockerfileSyntax ParseSyntax(string text, string fileName = "Dockerfile")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        return new SyntaxReader(text, fileName).Read();
    }
}
