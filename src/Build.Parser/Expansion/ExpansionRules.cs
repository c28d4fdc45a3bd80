namespace Build.Parser.Expansion;

/// <summary>
/// BuildKit's rules for which parts of which instruction the builder expands (FORMATS.md §7.5; BuildKit
/// <c>instructions/commands.go</c>, the <c>Expand</c> methods, and <c>dockerfile2llb</c>'s dispatchers).
/// Instruction and flag names match case-insensitively; flag names are given without the leading <c>--</c>.
/// </summary>
public static class ExpansionRules
{
    /// <summary>How the arguments (not the flags) of <paramref name="instruction"/> are expanded.</summary>
    /// <remarks>
    /// RUN, CMD, ENTRYPOINT, SHELL and HEALTHCHECK are left alone because the shell inside the container expands them at
    /// run time; expanding here would substitute build-time values into a command that expects its own environment.
    /// ONBUILD is stored verbatim and expanded when the trigger runs in the child build, with the child's variables.
    /// FROM is <see cref="ExpansionMode.Word"/> but only with the global ARGs declared before the first FROM.
    /// </remarks>
    public static ExpansionMode ForArguments(string instruction)
    {
        ArgumentNullException.ThrowIfNull(instruction);
        return instruction.ToUpperInvariant() switch
        {
            "ADD" or "COPY" or "ENV" or "LABEL" or "WORKDIR" or "USER" or "STOPSIGNAL" or "VOLUME" or "ARG" or "FROM" => ExpansionMode.Word,
            "EXPOSE" => ExpansionMode.Words,
            _ => ExpansionMode.None,
        };
    }

    /// <summary>True when the value of <c>--<paramref name="flag"/></c> on <paramref name="instruction"/> is expanded.</summary>
    /// <remarks>
    /// <c>COPY --from</c> is deliberately not expanded: BuildKit requires the stage reference to be static so the build
    /// graph can be computed before any ARG is known to a stage.
    /// </remarks>
    public static bool ExpandsFlag(string instruction, string flag)
    {
        ArgumentNullException.ThrowIfNull(instruction);
        ArgumentNullException.ThrowIfNull(flag);
        string f = flag.StartsWith("--", StringComparison.Ordinal) ? flag[2..] : flag;
        return instruction.ToUpperInvariant() switch
        {
            "COPY" => f is "chown" or "chmod" or "exclude",
            "ADD" => f is "chown" or "chmod" or "checksum" or "exclude",
            "FROM" => f is "platform",
            "RUN" => f is "mount",
            _ => false,
        };
    }

    /// <summary>
    /// True when heredoc bodies of <paramref name="instruction"/> are expanded (COPY and ADD, only for an unquoted marker,
    /// with <see cref="ShellLexOptions.SkipProcessQuotes"/>); RUN heredocs go to the shell untouched.
    /// </summary>
    public static bool ExpandsHeredocBody(string instruction, bool markerQuoted)
    {
        ArgumentNullException.ThrowIfNull(instruction);
        return !markerQuoted && instruction.ToUpperInvariant() is "COPY" or "ADD";
    }
}
