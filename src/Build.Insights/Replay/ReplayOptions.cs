using Build.Engine.Graph;

namespace Build.Insights.Replay;

/// <summary>
/// What to replay and how to build each commit. <see cref="Dockerfile"/>: a relative path is read from each
/// commit (default <c>Dockerfile</c>); an absolute path is one fixed file used for every commit (how a rewritten
/// Dockerfile is replayed). Build-arg values may contain <c>{commit}</c>, <c>{short}</c> and <c>{n}</c>, replaced per
/// commit (the way CI passes the commit to a build). <see cref="Commits"/> and <see cref="Revisions"/> exclude
/// each other; neither means the last 20 commits of HEAD's first-parent history.
/// </summary>
public sealed record ReplayOptions
{
    public required string Repository { get; init; }

    public string? Dockerfile { get; init; }

    public string? Target { get; init; }

    public IReadOnlyList<KeyValue> BuildArgs { get; init; } = [];

    public int? Commits { get; init; }

    /// <summary><c>A..B</c> (git's range syntax), first-parent, oldest first.</summary>
    public string? Revisions { get; init; }

    /// <summary>Build in an empty temporary root (base images are copied into it from the builder root).</summary>
    public bool Fresh { get; init; }

    /// <summary>Also build every commit with --no-cache to measure the no-cache time instead of estimating it.</summary>
    public bool MeasureNoCache { get; init; }

    public Build.Engine.Execution.NetworkMode Network { get; init; } = Build.Engine.Execution.NetworkMode.Host;

    public const int DefaultCommits = 20;
}
