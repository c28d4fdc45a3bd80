using System.Text.Json;
using Build.Cli.Progress;
using Build.Engine.Caching;
using Build.Engine.Solving;

namespace Build.Cli.Tests.Progress;

public class ProgressRendererTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static IEnumerable<BuildEvent> SampleBuild() =>
    [
        new VertexStarted(T0, 1, "[1/3] FROM busybox"),
        new VertexCached(T0, 1),
        new VertexStarted(T0, 2, "[2/3] RUN echo hi"),
        new VertexExplained(T0, 2, [new CacheChange(CacheChangeKind.ArgChanged, "V", "1", "2")]),
        new VertexLog(T0.AddMilliseconds(215), 2, 1, "hi"),
        new VertexCompleted(T0.AddMilliseconds(300), 2, TimeSpan.FromMilliseconds(300), null),
        new VertexStarted(T0, 3, "[3/3] RUN exit 3"),
        new VertexCompleted(T0, 3, TimeSpan.Zero, "process \"/bin/sh -c exit 3\" did not complete successfully: exit code: 3"),
    ];

    [Fact]
    public void Plain_output_follows_buildkit_format()
    {
        var sw = new StringWriter();
        var r = new PlainProgressRenderer(sw);
        foreach (var e in SampleBuild())
            r.OnNext(e);
        string expected = string.Join('\n',
            "#1 [1/3] FROM busybox",
            "#1 CACHED",
            "",
            "#2 [2/3] RUN echo hi",
            "#2 cache miss: ARG V changed: \"1\" → \"2\"",
            "#2 0.215 hi",
            "#2 DONE 0.3s",
            "",
            "#3 [3/3] RUN exit 3",
            "#3 ERROR: process \"/bin/sh -c exit 3\" did not complete successfully: exit code: 3",
            "");
        Assert.Equal(expected, sw.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void RawJson_writes_one_parseable_object_per_event()
    {
        var sw = new StringWriter();
        var r = new RawJsonProgressRenderer(sw);
        var events = SampleBuild().ToList();
        foreach (var e in events)
            r.OnNext(e);
        var lines = sw.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(events.Count, lines.Length);
        var types = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("type").GetString()).ToList();
        Assert.Equal(["vertex.started", "vertex.cached", "vertex.started", "vertex.explained", "vertex.log", "vertex.completed", "vertex.started", "vertex.completed"], types);
        var log = JsonDocument.Parse(lines[4]).RootElement;
        Assert.Equal("hi", log.GetProperty("data").GetString());
        Assert.Equal(2, log.GetProperty("vertex").GetInt32());
    }

    [Fact]
    public void Tty_final_frame_lists_every_step_with_cached_and_error_marks()
    {
        var sw = new StringWriter();
        using (var r = new TtyProgressRenderer(sw, TimeProvider.System))
        {
            foreach (var e in SampleBuild())
                r.OnNext(e);
            r.OnCompleted();
        }
        string text = sw.ToString();
        Assert.Contains("FINISHED", text, StringComparison.Ordinal);
        Assert.Contains("=> CACHED [1/3] FROM busybox", text, StringComparison.Ordinal);
        Assert.Contains("=> [2/3] RUN echo hi", text, StringComparison.Ordinal);
        Assert.Contains("=> ERROR [3/3] RUN exit 3", text, StringComparison.Ordinal);
        Assert.Contains("(3/3)", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", ProgressMode.Plain)]
    [InlineData("TTY", ProgressMode.Tty)]
    [InlineData("rawjson", ProgressMode.RawJson)]
    [InlineData("quiet", ProgressMode.Quiet)]
    [InlineData("auto", ProgressMode.Auto)]
    public void Parses_progress_modes(string text, ProgressMode mode)
    {
        Assert.True(ProgressRenderer.TryParseMode(text, out var m));
        Assert.Equal(mode, m);
    }

    [Fact]
    public void Auto_is_plain_when_not_a_terminal()
    {
        using var r = ProgressRenderer.Create(ProgressMode.Auto, new StringWriter(), stderrIsTerminal: false, TimeProvider.System);
        Assert.IsType<PlainProgressRenderer>(r);
    }

    [Theory]
    [InlineData(999, "999B")]
    [InlineData(1500, "1.5kB")]
    [InlineData(12_345_678, "12.3MB")]
    public void Formats_bytes_like_docker(long n, string text) => Assert.Equal(text, Units.Bytes(n));
}
