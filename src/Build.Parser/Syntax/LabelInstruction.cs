namespace Build.Parser.Syntax;

/// <summary><c>LABEL k=v ...</c> or the legacy <c>LABEL k v</c> (<see cref="IsLegacyForm"/>, value = rest of line).</summary>
public sealed record LabelInstruction(InstructionNode Syntax, ValueList<KeyValue> Labels, bool IsLegacyForm) : Instruction(Syntax)
{
    public override InstructionKind Kind => InstructionKind.Label;
}
