namespace Build.Parser.Syntax;

/// <summary><c>FROM [--platform=P] image [AS name]</c>: starts a build stage.</summary>
/// <param name="Image">The base image or earlier stage name, unexpanded (may use global ARGs).</param>
/// <param name="Platform">The raw <c>--platform</c> value (e.g. <c>$BUILDPLATFORM</c>), or null.</param>
/// <param name="StageName">The stage name lower-cased (stage names compare case-insensitively), or null.</param>
public sealed record FromInstruction(InstructionNode Syntax, string Image, string? Platform, string? StageName) : Instruction(Syntax)
{
    public override InstructionKind Kind => InstructionKind.From;
}
