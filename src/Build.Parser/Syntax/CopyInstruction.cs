namespace Build.Parser.Syntax;

/// <summary>
/// <c>COPY [flags] src... dest</c> (or JSON form). Heredoc sources (<c>COPY &lt;&lt;EOF /file</c>) are in
/// <see cref="SourceContents"/>, not in <see cref="Sources"/>; <see cref="Heredoc.Name"/> is the file name.
/// </summary>
/// <param name="From">Raw <c>--from</c> (stage name, index, image or named context), or null.</param>
/// <param name="Chown">Raw <c>--chown</c>, or null.</param>
/// <param name="Chmod">Raw <c>--chmod</c>, or null.</param>
/// <param name="Excludes">Every <c>--exclude</c> pattern, in order.</param>
public sealed record CopyInstruction(
    InstructionNode Syntax,
    ValueList<string> Sources,
    ValueList<Heredoc> SourceContents,
    string Destination,
    string? From,
    string? Chown,
    string? Chmod,
    bool Link,
    bool Parents,
    ValueList<string> Excludes) : Instruction(Syntax)
{
    public override InstructionKind Kind => InstructionKind.Copy;
}
