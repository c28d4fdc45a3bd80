namespace Build.Parser.Syntax;

/// <summary><c>VOLUME ["/a","/b"]</c> or <c>VOLUME /a /b</c>, raw paths.</summary>
public sealed record VolumeInstruction(InstructionNode Syntax, ValueList<string> Volumes) : Instruction(Syntax)
{
    public override InstructionKind Kind => InstructionKind.Volume;
}
