namespace Build.Parser.Syntax;

/// <summary><c>ENTRYPOINT</c>. <c>ENTRYPOINT []</c> gives an exec-form command with no arguments (a reset).</summary>
public sealed record EntrypointInstruction(InstructionNode Syntax, CommandLine Command) : Instruction(Syntax)
{
    public override InstructionKind Kind => InstructionKind.Entrypoint;
}
