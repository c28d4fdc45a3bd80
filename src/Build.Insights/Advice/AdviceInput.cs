using Build.Insights.Reports;

namespace Build.Insights.Advice;

/// <summary>
/// What the advisor reads: the Dockerfile (text and name for messages), the files of the last replayed commit
/// (paths relative to the context root), its <c>.dockerignore</c> text (null when none) and the recorded replay.
/// </summary>
public sealed record AdviceInput(string DockerfileText, string DockerfileName, IReadOnlyList<string> Files, string? DockerIgnore, ReplayRun Run);
