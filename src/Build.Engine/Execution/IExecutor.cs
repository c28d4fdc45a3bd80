namespace Build.Engine.Execution;

/// <summary>
/// Runs one process (a RUN step) in an isolated root filesystem. The default implementation is
/// <see cref="NamespaceExecutor"/>; an OCI-runtime backend could sit behind the same interface.
/// </summary>
public interface IExecutor
{
    /// <summary>
    /// Runs <paramref name="spec"/>, streaming stdout/stderr to <paramref name="output"/> as they arrive.
    /// A command that fails returns a result with a non-zero exit code; a sandbox that cannot be set up
    /// throws <see cref="Errors.BuildException"/>. Cancelling kills every process of the step, then throws
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    Task<ExecResult> RunAsync(ExecSpec spec, IExecOutput output, CancellationToken ct);
}
