using System.Globalization;
using Build.Engine.Solving;

namespace Build.Cli.Progress;

/// <summary>
/// <c>--progress=plain</c>, in BuildKit's plain format: <c>#N name</c> when a vertex starts, <c>#N 0.123 line</c>
/// for its output (seconds since it started), <c>#N CACHED</c>, <c>#N DONE 0.3s</c> or <c>#N ERROR: …</c>,
/// with a blank line between vertices. Lines of parallel vertices interleave, each prefixed by its number.
/// </summary>
public sealed class PlainProgressRenderer(TextWriter output) : ProgressRenderer
{
    private readonly Lock gate = new();
    private readonly Dictionary<int, DateTimeOffset> started = [];
    private int lastVertex = -1;

    public override void OnNext(BuildEvent value)
    {
        lock (gate)
        {
            switch (value)
            {
                case VertexStarted s:
                    Separate(s.Vertex);
                    started[s.Vertex] = s.Time;
                    output.WriteLine($"#{s.Vertex} {s.Name}");
                    break;
                case VertexCached c:
                    Separate(c.Vertex);
                    output.WriteLine($"#{c.Vertex} CACHED");
                    break;
                case VertexExplained e:
                    Separate(e.Vertex);
                    foreach (var change in e.Changes)
                        output.WriteLine($"#{e.Vertex} cache miss: {change.Describe()}");
                    break;
                case VertexLog l:
                    Separate(l.Vertex);
                    if (l.Stream == 0)
                    {
                        output.WriteLine($"#{l.Vertex} {l.Line}");
                    }
                    else
                    {
                        double secs = started.TryGetValue(l.Vertex, out var t0) ? (l.Time - t0).TotalSeconds : 0;
                        output.WriteLine($"#{l.Vertex} {secs.ToString("0.000", CultureInfo.InvariantCulture)} {l.Line}");
                    }
                    break;
                case VertexProgress p:
                    Separate(p.Vertex);
                    output.WriteLine(p.Total > 0
                        ? $"#{p.Vertex} {p.Id} {Units.Bytes(p.Current)} / {Units.Bytes(p.Total)}"
                        : $"#{p.Vertex} {p.Id} {Units.Bytes(p.Current)}");
                    break;
                case VertexCompleted d:
                    Separate(d.Vertex);
                    output.WriteLine(d.Error is null
                        ? $"#{d.Vertex} DONE {Units.Seconds(d.Duration)}"
                        : $"#{d.Vertex} ERROR: {d.Error}");
                    break;
                case BuildWarning w:
                    Separate(-1);
                    output.WriteLine($"WARNING: {w.Message}");
                    break;
            }
            output.Flush();
        }
    }

    private void Separate(int vertex)
    {
        if (lastVertex != vertex && lastVertex != -1)
            output.WriteLine();
        lastVertex = vertex;
    }
}
