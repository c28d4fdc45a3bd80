namespace Build.Parser.Syntax;

/// <summary><c>CMD</c>: the image's default command (or default arguments of ENTRYPOINT).</summary>
public sealed record CmdInstruction(InstructionNode Syntax, CommandLine Command) : Instruction(Syntax)
{
    public override InstructionKind Kind => InstructionKind.Cmd;
}
