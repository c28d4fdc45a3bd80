namespace Build.Parser.Syntax;

/// <summary><c>WORKDIR path</c>, raw.</summary>
public sealed record WorkdirInstruction(InstructionNode Syntax, string Path) : Instruction(Syntax)
{
    public override InstructionKind Kind => InstructionKind.Workdir;
}
