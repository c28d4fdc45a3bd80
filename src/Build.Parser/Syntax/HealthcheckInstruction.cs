namespace Build.Parser.Syntax;

/// <summary>
/// <c>HEALTHCHECK NONE</c> (<see cref="IsNone"/>, <see cref="Command"/> null) or
/// <c>HEALTHCHECK [options] CMD command</c>. Unset options are null; an explicit 0 duration is also null, as
/// Docker treats 0 as "use the default".
/// </summary>
public sealed record HealthcheckInstruction(
    InstructionNode Syntax,
    bool IsNone,
    CommandLine? Command,
    TimeSpan? Interval,
    TimeSpan? Timeout,
    TimeSpan? StartPeriod,
    TimeSpan? StartInterval,
    int? Retries) : Instruction(Syntax)
{
    public override InstructionKind Kind => InstructionKind.Healthcheck;

    /// <summary>
    /// The image-config <c>Healthcheck.Test</c>: <c>["NONE"]</c>, <c>["CMD", args...]</c> (exec form) or
    /// <c>["CMD-SHELL", "command"]</c> (shell form).
    /// </summary>
    public IReadOnlyList<string> Test
    {
        get
        {
            if (IsNone || Command is null)
                return ["NONE"];
            var test = new List<string>(Command.Arguments.Count + 1) { Command.IsShellForm ? "CMD-SHELL" : "CMD" };
            test.AddRange(Command.Arguments);
            return test;
        }
    }
}
