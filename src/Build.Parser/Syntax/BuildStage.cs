namespace Build.Parser.Syntax;

/// <summary>A FROM and the instructions up to the next FROM.</summary>
/// <param name="Index">0-based position among the stages (what <c>COPY --from=0</c> refers to).</param>
public sealed record BuildStage(int Index, FromInstruction From, ValueList<Instruction> Instructions)
{
    /// <summary>The lower-cased <c>AS</c> name, or null.</summary>
    public string? Name => From.StageName;
}
