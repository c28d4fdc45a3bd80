namespace Build.Engine.Execution;

/// <summary>Discards a step's output (the result still carries its last lines).</summary>
public sealed class NullExecOutput : IExecOutput
{
    public static readonly NullExecOutput Instance = new();

    private NullExecOutput()
    {
    }

    public void Write(ExecStream stream, ReadOnlySpan<byte> data)
    {
    }
}
