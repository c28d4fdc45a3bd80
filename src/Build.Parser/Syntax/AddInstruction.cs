namespace Build.Parser.Syntax;

/// <summary>
/// <c>ADD [flags] src... dest</c>. Sources may be context paths, URLs or Git repositories; heredoc sources are in
/// <see cref="SourceContents"/>.
/// </summary>
/// <param name="Checksum">Raw <c>--checksum</c> (<c>sha256:...</c> or a Git commit), or null.</param>
/// <param name="Unpack"><c>--unpack</c> when given; null means the default (local archives yes, URLs no).</param>
public sealed record AddInstruction(
    InstructionNode Syntax,
    ValueList<string> Sources,
    ValueList<Heredoc> SourceContents,
    string Destination,
    string? Chown,
    string? Chmod,
    bool Link,
    bool KeepGitDir,
    string? Checksum,
    bool? Unpack,
    ValueList<string> Excludes) : Instruction(Syntax)
{
    public override InstructionKind Kind => InstructionKind.Add;
}
