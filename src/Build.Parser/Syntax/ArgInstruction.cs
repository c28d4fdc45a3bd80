namespace Build.Parser.Syntax;

/// <summary><c>ARG name[=default] ...</c>.</summary>
public sealed record ArgInstruction(InstructionNode Syntax, ValueList<ArgDeclaration> Args) : Instruction(Syntax)
{
    public override InstructionKind Kind => InstructionKind.Arg;
}
