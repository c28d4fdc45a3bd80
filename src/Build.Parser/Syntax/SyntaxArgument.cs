namespace Build.Parser.Syntax;

/// <summary>
/// One argument of an instruction as the dump shows it: for shell form the whole command text, for JSON form one
/// decoded array element, for ENV/LABEL/ARG one raw word (quotes and escapes kept; see <see cref="InstructionNode"/>).
/// </summary>
public sealed record SyntaxArgument(string Value, SourceSpan Span)
{
    public override string ToString() => Value;
}
