namespace Build.Parser.Syntax;

/// <summary><c>ENV k=v ...</c> or the legacy <c>ENV k v</c> (<see cref="IsLegacyForm"/>, value = rest of line).</summary>
public sealed record EnvInstruction(InstructionNode Syntax, ValueList<KeyValue> Variables, bool IsLegacyForm) : Instruction(Syntax)
{
    public override InstructionKind Kind => InstructionKind.Env;
}
