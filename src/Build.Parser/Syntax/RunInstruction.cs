namespace Build.Parser.Syntax;

/// <summary><c>RUN [--mount=...]... [--network=...] [--security=...] command</c>.</summary>
/// <param name="Heredocs">Here-documents of a heredoc RUN (<c>RUN &lt;&lt;EOF</c>), in marker order.</param>
/// <param name="Network">The <c>--network</c> mode, or null when not given (the builder default).</param>
/// <param name="Security">The <c>--security</c> mode, or null when not given (sandbox).</param>
public sealed record RunInstruction(
    InstructionNode Syntax,
    CommandLine Command,
    ValueList<RunMount> Mounts,
    NetworkMode? Network,
    SecurityMode? Security,
    ValueList<Heredoc> Heredocs) : Instruction(Syntax)
{
    public override InstructionKind Kind => InstructionKind.Run;
}
