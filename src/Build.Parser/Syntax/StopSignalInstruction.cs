namespace Build.Parser.Syntax;

/// <summary><c>STOPSIGNAL signal</c>, raw (<c>SIGTERM</c>, <c>9</c>, or a variable).</summary>
public sealed record StopSignalInstruction(InstructionNode Syntax, string Signal) : Instruction(Syntax)
{
    public override InstructionKind Kind => InstructionKind.StopSignal;
}
