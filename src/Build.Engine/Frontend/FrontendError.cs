using Build.Engine.Graph;

namespace Build.Engine.Frontend;

/// <summary>
/// Aborts conversion at the first semantic error of a stage (BuildKit also stops at the first). Internal: it is
/// always caught inside the frontend and turned into a <see cref="FrontendDiagnostic"/>; it never escapes.
/// </summary>
internal sealed class FrontendError : Exception
{
    public FrontendError(string code, string message, SourceLocation? location)
        : base(message)
    {
        Code = code;
        Location = location;
    }

    public FrontendError()
        : this(FrontendDiagnosticCodes.InvalidArguments, "invalid Dockerfile", null)
    {
    }

    public FrontendError(string message)
        : this(FrontendDiagnosticCodes.InvalidArguments, message, null)
    {
    }

    public FrontendError(string message, Exception inner)
        : base(message, inner) => Code = FrontendDiagnosticCodes.InvalidArguments;

    public string Code { get; }

    public SourceLocation? Location { get; }

    public FrontendDiagnostic ToDiagnostic() => new(true, Code, Message, Location);
}
