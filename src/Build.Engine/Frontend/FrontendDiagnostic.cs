using Build.Engine.Graph;

namespace Build.Engine.Frontend;

/// <summary>
/// A problem found while turning a Dockerfile into a <see cref="BuildGraph"/>: a stable <see cref="Code"/>, one
/// sentence of <see cref="Message"/>, and where (null for problems with the command line, e.g. an unknown
/// <c>--target</c>). Parser diagnostics are carried over with their codes.
/// </summary>
public sealed record FrontendDiagnostic(bool IsError, string Code, string Message, SourceLocation? Location)
{
    public override string ToString() =>
        (Location is null ? "" : Location + ": ") + (IsError ? "" : "warning: ") + Message;
}
