namespace Build.Parser.Syntax;

/// <summary><c>USER name|uid[:group|gid]</c>, raw.</summary>
public sealed record UserInstruction(InstructionNode Syntax, string User) : Instruction(Syntax)
{
    public override InstructionKind Kind => InstructionKind.User;
}
