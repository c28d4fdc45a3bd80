namespace Build.Parser.Syntax;

/// <summary>The instructions the Dockerfile language defines; <see cref="Unknown"/> for anything else.</summary>
public enum InstructionKind
{
    Unknown,
    From,
    Run,
    Cmd,
    Label,
    Maintainer,
    Expose,
    Env,
    Add,
    Copy,
    Entrypoint,
    Volume,
    User,
    Workdir,
    Arg,
    Onbuild,
    StopSignal,
    Healthcheck,
    Shell,
}
