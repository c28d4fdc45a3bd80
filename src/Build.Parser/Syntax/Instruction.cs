namespace Build.Parser.Syntax;

/// <summary>
/// A typed instruction: the meaning of one <see cref="InstructionNode"/>. Values that the builder expands later
/// (paths, <c>--chown</c>, <c>--platform</c>, ENV values...) are kept exactly as written, quotes and <c>$VARS</c>
/// included; expansion is the Frontend's job because it depends on ARG/ENV state at that point of the build.
/// </summary>
public abstract record Instruction(InstructionNode Syntax)
{
    public abstract InstructionKind Kind { get; }

    public SourceSpan Span => Syntax.Span;

    /// <summary>The logical source line (what BuildKit shows in history and progress).</summary>
    public string SourceText => Syntax.Original.Trim();

    /// <summary>
    /// Where the last <c>--name</c> flag is written (e.g. to report a bad <c>COPY --from</c>), or the whole
    /// instruction when it has no such flag.
    /// </summary>
    public SourceSpan FlagSpan(string name)
    {
        for (int i = Syntax.Flags.Count - 1; i >= 0; i--)
        {
            if (Syntax.Flags[i].Name == name)
                return Syntax.Flags[i].Span;
        }
        return Span;
    }
}
