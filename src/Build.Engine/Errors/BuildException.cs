namespace Build.Engine.Errors;

/// <summary>
/// The one exception type the engine throws for expected failures (bad input, missing image,
/// failed step). <see cref="Code"/> is stable so callers and tests can match on it; the message is
/// one sentence that names the file, line, path, digest or flag at fault. The CLI prints the message
/// alone, never a stack trace.
/// </summary>
public class BuildException : Exception
{
    public BuildException(ErrorCode code, string message)
        : base(message) => Code = code;

    public BuildException(ErrorCode code, string message, Exception inner)
        : base(message, inner) => Code = code;

    public ErrorCode Code { get; }
}
