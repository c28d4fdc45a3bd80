namespace Build.Parser.Syntax;

/// <summary><c>SHELL ["exe","arg"...]</c>: the shell for later shell-form commands (JSON form only, non-empty).</summary>
public sealed record ShellInstruction(InstructionNode Syntax, ValueList<string> Shell) : Instruction(Syntax)
{
    public override InstructionKind Kind => InstructionKind.Shell;
}
