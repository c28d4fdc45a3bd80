using Build.Engine.Errors;
using Build.Engine.Graph;

namespace Build.Engine.Solving;

/// <summary>A step failed: carries the vertex (its description and Dockerfile location) for the error report.</summary>
public sealed class StepFailedException : BuildException
{
    public StepFailedException(Vertex step, BuildException inner)
        : base(inner.Code, $"{step.Location}: {step.Description}: {inner.Message}", inner)
    {
        Step = step;
    }

    public Vertex Step { get; }

    /// <summary>The last output lines of the failed command, when it was a RUN.</summary>
    public IReadOnlyList<string> OutputTail => (InnerException as StepExecutionException)?.OutputTail ?? [];
}
