using System.Globalization;
using System.Text;
using Build.Engine.Solving;

namespace Build.Cli.Progress;

/// <summary>
/// <c>--progress=tty</c>: a live view redrawn in place, like BuildKit's: a header with the elapsed time and
/// finished/total steps, one line per step with its duration (or CACHED), a progress bar for steps that report
/// bytes, and the last lines of output under each running step.
/// </summary>
public sealed class TtyProgressRenderer : ProgressRenderer
{
    private const int LogLinesPerStep = 6;
    private readonly TextWriter output;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private readonly List<Row> rows = [];
    private readonly Dictionary<int, Row> byId = [];
    private readonly List<string> warnings = [];
    private readonly DateTimeOffset start;
    private readonly ITimer timer;
    private int drawnLines;
    private bool finished;

    public TtyProgressRenderer(TextWriter output, TimeProvider time)
    {
        this.output = output;
        this.time = time;
        start = time.GetUtcNow();
        timer = time.CreateTimer(_ => Redraw(), null, TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(150));
    }

    private sealed class Row(int id, string name, DateTimeOffset started)
    {
        public int Id { get; } = id;
        public string Name { get; } = name;
        public DateTimeOffset Started { get; } = started;
        public DateTimeOffset? Completed { get; set; }
        public bool Cached { get; set; }
        public string? Error { get; set; }
        public long Current { get; set; }
        public long Total { get; set; }
        public Queue<string> Logs { get; } = new();
    }

    public override void OnNext(BuildEvent value)
    {
        lock (gate)
        {
            switch (value)
            {
                case VertexStarted s when !byId.ContainsKey(s.Vertex):
                    var row = new Row(s.Vertex, s.Name, s.Time);
                    rows.Add(row);
                    byId[s.Vertex] = row;
                    break;
                case VertexCached c when byId.TryGetValue(c.Vertex, out var r):
                    r.Cached = true;
                    r.Completed = c.Time;
                    break;
                case VertexExplained e when byId.TryGetValue(e.Vertex, out var r):
                    foreach (var ch in e.Changes)
                        AddLog(r, "cache miss: " + ch.Describe());
                    break;
                case VertexLog l when byId.TryGetValue(l.Vertex, out var r):
                    AddLog(r, l.Line);
                    break;
                case VertexProgress p when byId.TryGetValue(p.Vertex, out var r):
                    r.Current = p.Current;
                    r.Total = p.Total;
                    break;
                case VertexCompleted d when byId.TryGetValue(d.Vertex, out var r):
                    r.Completed ??= d.Time;
                    r.Error = d.Error;
                    break;
                case BuildWarning w:
                    warnings.Add(w.Message);
                    break;
            }
        }
    }

    private static void AddLog(Row r, string line)
    {
        r.Logs.Enqueue(line);
        while (r.Logs.Count > LogLinesPerStep)
            r.Logs.Dequeue();
    }

    private void Redraw()
    {
        lock (gate)
        {
            if (finished)
                return;
            Draw(final: false);
        }
    }

    private void Draw(bool final)
    {
        int width = TerminalWidth();
        var now = time.GetUtcNow();
        var lines = new List<string>();
        int done = rows.Count(r => r.Completed is not null);
        lines.Add($"[+] Building {Units.Seconds(now - start)} ({done}/{rows.Count}){(final ? " FINISHED" : "")}");
        foreach (var r in rows)
        {
            string right = r.Cached ? "0.0s" : Units.Seconds((r.Completed ?? now) - r.Started);
            string left = " => " + (r.Cached ? "CACHED " : "") + (r.Error is not null ? "ERROR " : "") + r.Name;
            if (r.Completed is null && r.Total > 0)
            {
                int pct = (int)Math.Clamp(r.Current * 100 / r.Total, 0, 100);
                int filled = pct / 5;
                left += $" [{new string('=', filled)}{(filled < 20 ? ">" : "")}{new string(' ', Math.Max(0, 19 - filled))}] {pct}%";
            }
            lines.Add(Fit(left, right, width));
            if (r.Completed is null || r.Error is not null)
            {
                foreach (var log in r.Logs)
                    lines.Add(Truncate(" => => # " + log, width));
            }
        }
        if (final)
        {
            foreach (var w in warnings)
                lines.Add(Truncate("WARNING: " + w, width));
        }

        var sb = new StringBuilder();
        if (drawnLines > 0)
            sb.Append(CultureInfo.InvariantCulture, $"\u001b[{drawnLines}A");
        foreach (var line in lines)
            sb.Append("\u001b[2K").Append(line).Append('\n');
        // Clear lines left over from a taller previous frame.
        for (int i = lines.Count; i < drawnLines; i++)
            sb.Append("\u001b[2K\n");
        int extra = Math.Max(0, drawnLines - lines.Count);
        if (extra > 0)
            sb.Append(CultureInfo.InvariantCulture, $"\u001b[{extra}A");
        drawnLines = lines.Count;
        output.Write(sb.ToString());
        output.Flush();
    }

    private static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth > 20 ? Console.WindowWidth : 120;
        }
        catch (IOException)
        {
            return 120;
        }
    }

    private static string Truncate(string s, int width) => s.Length <= width ? s : s[..Math.Max(0, width - 1)];

    private static string Fit(string left, string right, int width)
    {
        int room = width - right.Length - 1;
        if (left.Length > room)
            left = left[..Math.Max(0, room)];
        return left.PadRight(room) + " " + right;
    }

    public override void OnCompleted() => Finish();

    public override void OnError(Exception error) => Finish();

    private void Finish()
    {
        lock (gate)
        {
            if (finished)
                return;
            Draw(final: true);
            finished = true;
        }
        timer.Dispose();
    }

    public override void Dispose()
    {
        Finish();
        base.Dispose();
    }
}
