namespace Build.Parser.Diagnostics;

public enum DiagnosticSeverity
{
    /// <summary>Worth knowing (e.g. a deprecated instruction); the build proceeds.</summary>
    Warning,

    /// <summary>The Dockerfile cannot be built as written.</summary>
    Error,
}
