using Build.Engine.Caching;

namespace Build.Engine.Solving;

/// <summary>
/// What a build reports while it runs, in the shape of BuildKit's progress stream: vertices (steps and
/// internal work such as loading the context) start, log, maybe hit the cache, and complete. Renderers in
/// the CLI turn the stream into plain, tty or rawjson progress; the metrics file is built from it too.
/// </summary>
public abstract record BuildEvent(DateTimeOffset Time);

/// <summary>A vertex started. <paramref name="Name"/> is BuildKit-style, e.g. <c>[build 2/5] RUN make</c>.</summary>
public sealed record VertexStarted(DateTimeOffset Time, int Vertex, string Name) : BuildEvent(Time);

/// <summary>The vertex's result came from the cache; it will not run.</summary>
public sealed record VertexCached(DateTimeOffset Time, int Vertex) : BuildEvent(Time);

/// <summary>Why a vertex missed the cache (only when explanations were asked for).</summary>
public sealed record VertexExplained(DateTimeOffset Time, int Vertex, IReadOnlyList<CacheChange> Changes) : BuildEvent(Time);

/// <summary>One line of a vertex's output (stdout = 1, stderr = 2), or a status line (0).</summary>
public sealed record VertexLog(DateTimeOffset Time, int Vertex, int Stream, string Line) : BuildEvent(Time);

/// <summary>Byte progress of a vertex (pulls, pushes, exports); <paramref name="Total"/> is 0 when unknown.</summary>
public sealed record VertexProgress(DateTimeOffset Time, int Vertex, string Id, long Current, long Total) : BuildEvent(Time);

/// <summary>The vertex finished; <paramref name="Error"/> is set when it failed.</summary>
public sealed record VertexCompleted(DateTimeOffset Time, int Vertex, TimeSpan Duration, string? Error) : BuildEvent(Time);

/// <summary>A warning about the build as a whole (unused build args, fallbacks chosen).</summary>
public sealed record BuildWarning(DateTimeOffset Time, string Message) : BuildEvent(Time);
