namespace Build.Parser.Syntax;

/// <summary>
/// <c>ONBUILD trigger</c>. <see cref="Trigger"/> is the typed trigger instruction; <see cref="Expression"/> is its
/// source text as stored in the image config's <c>OnBuild</c> list (heredoc bodies appended, as BuildKit does).
/// </summary>
public sealed record OnbuildInstruction(InstructionNode Syntax, Instruction Trigger, string Expression) : Instruction(Syntax)
{
    public override InstructionKind Kind => InstructionKind.Onbuild;
}
