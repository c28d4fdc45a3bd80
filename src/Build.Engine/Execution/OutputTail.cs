using System.Collections.Immutable;
using System.Text;

namespace Build.Engine.Execution;

/// <summary>Keeps the last lines of a step's output for its error message (BuildKit shows the last few).</summary>
internal sealed class OutputTail
{
    private const int MaxLineBytes = 4096;
    private readonly int _lines;
    private readonly Queue<string> _tail = new();
    private readonly List<byte>[] _partial = [new(), new()];

    public OutputTail(int lines) => _lines = lines;

    public void Add(ExecStream stream, ReadOnlySpan<byte> data)
    {
        var partial = _partial[stream == ExecStream.Stdout ? 0 : 1];
        while (!data.IsEmpty)
        {
            var nl = data.IndexOf((byte)'\n');
            var chunk = nl < 0 ? data : data[..nl];
            if (partial.Count < MaxLineBytes)
                partial.AddRange(chunk[..Math.Min(chunk.Length, MaxLineBytes - partial.Count)]);
            if (nl < 0)
                break;
            Push(partial);
            data = data[(nl + 1)..];
        }
    }

    public ImmutableArray<string> Lines()
    {
        foreach (var p in _partial)
            if (p.Count > 0)
                Push(p);
        return [.. _tail];
    }

    private void Push(List<byte> line)
    {
        _tail.Enqueue(Encoding.UTF8.GetString([.. line]).TrimEnd('\r'));
        line.Clear();
        while (_tail.Count > _lines)
            _tail.Dequeue();
    }
}
