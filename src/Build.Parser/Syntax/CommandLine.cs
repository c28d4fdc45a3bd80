namespace Build.Parser.Syntax;

/// <summary>
/// The command of RUN, CMD, ENTRYPOINT or HEALTHCHECK CMD: either exec form (a JSON array, run as is) or shell
/// form (one string, run through the stage's SHELL).
/// </summary>
/// <param name="Arguments">Exec form: the array elements. Shell form: exactly one element, the command text
/// (for a heredoc RUN, the text including the <c>&lt;&lt;EOF</c> marker, as BuildKit keeps it).</param>
public sealed record CommandLine(bool IsShellForm, ValueList<string> Arguments)
{
    public bool IsExecForm => !IsShellForm;

    /// <summary>The command text in shell form; null in exec form.</summary>
    public string? ShellText => IsShellForm && Arguments.Count > 0 ? Arguments[0] : null;

    public static CommandLine Exec(params string[] arguments) => new(false, new ValueList<string>(arguments));

    public static CommandLine Shell(string command) => new(true, ValueList.Of(command));

    /// <summary>The argv to run, given the stage's shell (e.g. <c>["/bin/sh","-c"]</c>).</summary>
    public IReadOnlyList<string> ToArgv(IReadOnlyList<string> shell)
    {
        ArgumentNullException.ThrowIfNull(shell);
        if (!IsShellForm)
            return Arguments;
        var argv = new List<string>(shell.Count + Arguments.Count);
        argv.AddRange(shell);
        argv.AddRange(Arguments);
        return argv;
    }
}
