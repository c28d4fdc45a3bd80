namespace Build.Parser.Syntax;

/// <summary><c>EXPOSE port[/proto] ...</c>, raw words (each may expand to several ports).</summary>
public sealed record ExposeInstruction(InstructionNode Syntax, ValueList<string> Ports) : Instruction(Syntax)
{
    public override InstructionKind Kind => InstructionKind.Expose;
}
