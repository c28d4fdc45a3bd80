using System.Text;
using Build.Engine.Execution;

namespace Build.Engine.Solving;

/// <summary>Turns a step's output bytes into <see cref="VertexLog"/> lines (split on newlines, UTF-8).</summary>
internal sealed class EventOutput(Solver solver, int vertex) : IExecOutput
{
    private readonly StringBuilder[] partial = [new(), new(), new()];
    private readonly Decoder[] decoders = [Encoding.UTF8.GetDecoder(), Encoding.UTF8.GetDecoder(), Encoding.UTF8.GetDecoder()];
    private readonly Lock gate = new();

    public void Write(ExecStream stream, ReadOnlySpan<byte> data)
    {
        int s = stream == ExecStream.Stderr ? 2 : 1;
        lock (gate)
        {
            Span<char> chars = new char[Encoding.UTF8.GetMaxCharCount(data.Length)];
            int n = decoders[s].GetChars(data, chars, flush: false);
            var sb = partial[s];
            foreach (char c in chars[..n])
            {
                if (c == '\n')
                {
                    solver.Emit(new VertexLog(solver.Now, vertex, s, sb.ToString().TrimEnd('\r')));
                    sb.Clear();
                }
                else
                {
                    sb.Append(c);
                }
            }
        }
    }

    public void Flush()
    {
        lock (gate)
        {
            for (int s = 1; s <= 2; s++)
            {
                if (partial[s].Length > 0)
                {
                    solver.Emit(new VertexLog(solver.Now, vertex, s, partial[s].ToString()));
                    partial[s].Clear();
                }
            }
        }
    }
}
