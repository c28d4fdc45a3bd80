namespace Build.Engine.Execution;

/// <summary>
/// Receives a step's output live. Called from the executor's I/O thread, one call at a time per step;
/// implementations must copy <paramref name="data"/> if they keep it and must not block for long
/// (a slow sink stalls the command once the pipe buffer fills).
/// </summary>
public interface IExecOutput
{
    void Write(ExecStream stream, ReadOnlySpan<byte> data);
}
