namespace Build.Parser.Syntax;

/// <summary>
/// One instruction as the line-level grammar sees it, before any meaning is given to it (BuildKit's AST node).
/// This is what the dump prints; the typed layer (<see cref="Instruction"/>) is built from it.
/// </summary>
/// <param name="Keyword">The instruction word as written (<c>run</c>, <c>Run</c>...).</param>
/// <param name="Flags">The leading <c>--flags</c>, in order.</param>
/// <param name="Arguments">The arguments per the instruction's argument rule (FORMATS.md §3.3).</param>
/// <param name="Nested">ONBUILD only: the trigger instruction.</param>
/// <param name="IsJsonForm">The arguments were a JSON string array (exec form).</param>
/// <param name="ArgumentText">The text after the flags, trimmed (the shell-form command for RUN/CMD/ENTRYPOINT).</param>
/// <param name="Original">The logical line: physical lines joined with continuations removed, comments skipped.</param>
/// <param name="Heredocs">Here-documents read after this line, in marker order.</param>
/// <param name="ContinuationLines">The number of physical lines after the first that were consumed (skipped
/// comment/blank lines included, heredoc bodies excluded).</param>
/// <param name="Span">From the instruction word to the end of the last line consumed (heredoc terminator included).</param>
public sealed record InstructionNode(
    string Keyword,
    ValueList<SyntaxFlag> Flags,
    ValueList<SyntaxArgument> Arguments,
    InstructionNode? Nested,
    bool IsJsonForm,
    string ArgumentText,
    string Original,
    ValueList<Heredoc> Heredocs,
    int ContinuationLines,
    SourceSpan Span)
{
    /// <summary>The lower-cased instruction name (<c>run</c>), as BuildKit matches and prints it.</summary>
    public string Name { get; } = Keyword.ToLowerInvariant();

    /// <summary>The argument values as plain strings.</summary>
    public IEnumerable<string> ArgumentValues => Arguments.Select(a => a.Value);

    /// <summary>The instruction this keyword names (<see cref="InstructionKind.Unknown"/> for anything else).</summary>
    public InstructionKind Kind { get; } = InstructionKinds.FromName(Keyword);
}
