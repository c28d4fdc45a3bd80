using Build.Insights.Reports;

namespace Build.Insights.Replay;

/// <summary>
/// A finished replay and what the advisor needs from the last replayed commit: the Dockerfile text, the
/// commit's files and its <c>.dockerignore</c> (null when it has none).
/// </summary>
public sealed record ReplayResult(ReplayRun Run, string DockerfileText, string DockerfileName, IReadOnlyList<string> Files, string? DockerIgnore);
