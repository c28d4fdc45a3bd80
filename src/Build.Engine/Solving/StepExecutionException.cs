using Build.Engine.Errors;

namespace Build.Engine.Solving;

/// <summary>A RUN's process failed; keeps the last lines of its output for the error report.</summary>
public sealed class StepExecutionException(string message, IReadOnlyList<string> outputTail)
    : BuildException(ErrorCode.StepFailed, message)
{
    public IReadOnlyList<string> OutputTail { get; } = outputTail;
}
