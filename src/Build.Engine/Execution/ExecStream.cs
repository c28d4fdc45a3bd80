namespace Build.Engine.Execution;

/// <summary>Which of the command's output streams a chunk came from.</summary>
public enum ExecStream
{
    Stdout = 1,
    Stderr = 2,
}
