using System.Text;
using System.Text.Json;
using Build.Engine.Solving;

namespace Build.Cli.Progress;

/// <summary>
/// <c>--progress=rawjson</c>: one JSON object per line per event, for machines. Fields: <c>type</c>
/// (<c>vertex.started</c>, <c>vertex.cached</c>, <c>vertex.explained</c>, <c>vertex.log</c>, <c>vertex.progress</c>,
/// <c>vertex.completed</c>, <c>warning</c>), <c>time</c> (RFC 3339), <c>vertex</c>, and the event's own fields.
/// </summary>
public sealed class RawJsonProgressRenderer(TextWriter output) : ProgressRenderer
{
    private readonly Lock gate = new();

    public override void OnNext(BuildEvent value)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            switch (value)
            {
                case VertexStarted s:
                    Head(w, "vertex.started", s.Time, s.Vertex);
                    w.WriteString("name", s.Name);
                    break;
                case VertexCached c:
                    Head(w, "vertex.cached", c.Time, c.Vertex);
                    break;
                case VertexExplained e:
                    Head(w, "vertex.explained", e.Time, e.Vertex);
                    w.WriteStartArray("changes");
                    foreach (var ch in e.Changes)
                    {
                        w.WriteStartObject();
                        w.WriteString("kind", ch.Kind.ToString());
                        w.WriteString("subject", ch.Subject);
                        w.WriteString("description", ch.Describe());
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    break;
                case VertexLog l:
                    Head(w, "vertex.log", l.Time, l.Vertex);
                    w.WriteNumber("stream", l.Stream);
                    w.WriteString("data", l.Line);
                    break;
                case VertexProgress p:
                    Head(w, "vertex.progress", p.Time, p.Vertex);
                    w.WriteString("id", p.Id);
                    w.WriteNumber("current", p.Current);
                    w.WriteNumber("total", p.Total);
                    break;
                case VertexCompleted d:
                    Head(w, "vertex.completed", d.Time, d.Vertex);
                    w.WriteNumber("duration_ms", (long)d.Duration.TotalMilliseconds);
                    if (d.Error is not null)
                        w.WriteString("error", d.Error);
                    break;
                case BuildWarning bw:
                    w.WriteString("type", "warning");
                    w.WriteString("time", bw.Time);
                    w.WriteString("message", bw.Message);
                    break;
            }
            w.WriteEndObject();
        }
        string line = Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
        lock (gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    private static void Head(Utf8JsonWriter w, string type, DateTimeOffset time, int vertex)
    {
        w.WriteString("type", type);
        w.WriteString("time", time);
        w.WriteNumber("vertex", vertex);
    }
}
