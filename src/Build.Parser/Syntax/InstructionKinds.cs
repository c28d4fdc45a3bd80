namespace Build.Parser.Syntax;

/// <summary>Maps instruction names to <see cref="InstructionKind"/> and back.</summary>
public static class InstructionKinds
{
    /// <summary>Every known instruction name, lower case, in the order the Dockerfile reference lists them.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "from", "run", "cmd", "label", "maintainer", "expose", "env", "add", "copy", "entrypoint",
        "volume", "user", "workdir", "arg", "onbuild", "stopsignal", "healthcheck", "shell",
    ];

    /// <summary>The kind for a name, case-insensitively; <see cref="InstructionKind.Unknown"/> otherwise.</summary>
    public static InstructionKind FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToLowerInvariant() switch
        {
            "from" => InstructionKind.From,
            "run" => InstructionKind.Run,
            "cmd" => InstructionKind.Cmd,
            "label" => InstructionKind.Label,
            "maintainer" => InstructionKind.Maintainer,
            "expose" => InstructionKind.Expose,
            "env" => InstructionKind.Env,
            "add" => InstructionKind.Add,
            "copy" => InstructionKind.Copy,
            "entrypoint" => InstructionKind.Entrypoint,
            "volume" => InstructionKind.Volume,
            "user" => InstructionKind.User,
            "workdir" => InstructionKind.Workdir,
            "arg" => InstructionKind.Arg,
            "onbuild" => InstructionKind.Onbuild,
            "stopsignal" => InstructionKind.StopSignal,
            "healthcheck" => InstructionKind.Healthcheck,
            "shell" => InstructionKind.Shell,
            _ => InstructionKind.Unknown,
        };
    }

    /// <summary>The upper-case keyword (<c>STOPSIGNAL</c>) for messages.</summary>
    public static string Keyword(InstructionKind kind) => kind.ToString().ToUpperInvariant();
}
