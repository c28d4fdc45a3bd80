using Build.Parser.Syntax;

namespace Build.Parser.Diagnostics;

/// <summary>
/// One problem found in a Dockerfile: severity, a stable <see cref="Code"/> (see <see cref="DiagnosticCodes"/>),
/// one sentence of <see cref="Message"/> and where it is. <see cref="ToString"/> renders
/// <c>FILE:LINE:COL: message</c>, the form compilers use and editors link.
/// </summary>
public sealed record Diagnostic(DiagnosticSeverity Severity, string Code, string Message, SourceSpan Span, string FileName)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    public override string ToString() =>
        $"{FileName}:{Span.Start.Line}:{Span.Start.Column}: {(IsError ? "" : "warning: ")}{Message}";
}
