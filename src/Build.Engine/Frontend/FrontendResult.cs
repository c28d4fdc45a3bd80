using Build.Engine.Errors;
using Build.Engine.Graph;
using Build.Engine.Oci;

namespace Build.Engine.Frontend;

/// <summary>
/// The frontend's answer: a graph when the Dockerfile is buildable, and every diagnostic (errors and warnings)
/// in the order found. Never both a graph and an error.
/// </summary>
public sealed record FrontendResult(BuildGraph? Graph, ValueList<FrontendDiagnostic> Diagnostics)
{
    public bool Succeeded => Graph is not null;

    public IEnumerable<FrontendDiagnostic> Errors => Diagnostics.Where(d => d.IsError);

    public IEnumerable<FrontendDiagnostic> Warnings => Diagnostics.Where(d => !d.IsError);

    /// <summary>The graph, or a <see cref="BuildException"/> (InvalidDockerfile) naming the first error.</summary>
    public BuildGraph GetGraphOrThrow() =>
        Graph ?? throw new BuildException(
            ErrorCode.InvalidDockerfile,
            Errors.FirstOrDefault()?.ToString() ?? "the Dockerfile could not be converted into a build graph");
}
