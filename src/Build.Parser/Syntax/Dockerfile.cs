namespace Build.Parser.Syntax;

/// <summary>
/// The typed Dockerfile: every instruction that could be typed, in source order, plus a split into global ARGs
/// and stages. Instructions before the first FROM other than ARG, and instructions with errors, are left out
/// of <see cref="Stages"/> (their diagnostics are in the parse result); the Frontend reports stage-level problems.
/// </summary>
public sealed record Dockerfile(ValueList<Instruction> Instructions)
{
    /// <summary>ARG instructions before the first FROM (visible to FROM lines only).</summary>
    public ValueList<ArgInstruction> GlobalArgs { get; } = SplitGlobalArgs(Instructions);

    /// <summary>The build stages in order.</summary>
    public ValueList<BuildStage> Stages { get; } = SplitStages(Instructions);

    /// <summary>The stage named <paramref name="name"/> (case-insensitive), or null.</summary>
    public BuildStage? FindStage(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var stage in Stages)
        {
            if (string.Equals(stage.Name, name, StringComparison.OrdinalIgnoreCase))
                return stage;
        }
        return null;
    }

    private static ValueList<ArgInstruction> SplitGlobalArgs(ValueList<Instruction> instructions)
    {
        var args = new List<ArgInstruction>();
        foreach (var instruction in instructions)
        {
            if (instruction is FromInstruction)
                break;
            if (instruction is ArgInstruction arg)
                args.Add(arg);
        }
        return ValueList<ArgInstruction>.From(args);
    }

    private static ValueList<BuildStage> SplitStages(ValueList<Instruction> instructions)
    {
        var stages = new List<BuildStage>();
        FromInstruction? from = null;
        var body = new List<Instruction>();
        foreach (var instruction in instructions)
        {
            if (instruction is FromInstruction next)
            {
                if (from is not null)
                    stages.Add(new BuildStage(stages.Count, from, ValueList<Instruction>.From(body)));
                from = next;
                body.Clear();
            }
            else if (from is not null)
            {
                body.Add(instruction);
            }
        }
        if (from is not null)
            stages.Add(new BuildStage(stages.Count, from, ValueList<Instruction>.From(body)));
        return ValueList<BuildStage>.From(stages);
    }
}
