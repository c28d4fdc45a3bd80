namespace Build.Parser.Syntax;

/// <summary><c>MAINTAINER name</c> (deprecated; sets the image author).</summary>
public sealed record MaintainerInstruction(InstructionNode Syntax, string Maintainer) : Instruction(Syntax)
{
    public override InstructionKind Kind => InstructionKind.Maintainer;
}
