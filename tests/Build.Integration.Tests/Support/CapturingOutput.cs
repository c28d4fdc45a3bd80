using System.Text;
using Build.Engine.Execution;

namespace Build.Integration.Tests.Support;

/// <summary>Collects a step's stdout and stderr as text.</summary>
public sealed class CapturingOutput : IExecOutput
{
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();

    public string Stdout
    {
        get
        {
            lock (_gate)
                return _stdout.ToString();
        }
    }

    public string Stderr
    {
        get
        {
            lock (_gate)
                return _stderr.ToString();
        }
    }

    public event Action<string>? StdoutWritten;

    public void Write(ExecStream stream, ReadOnlySpan<byte> data)
    {
        var text = Encoding.UTF8.GetString(data);
        lock (_gate)
            (stream == ExecStream.Stdout ? _stdout : _stderr).Append(text);
        if (stream == ExecStream.Stdout)
            StdoutWritten?.Invoke(text);
    }
}
