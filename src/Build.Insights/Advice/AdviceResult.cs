namespace Build.Insights.Advice;

/// <summary>
/// The suggestions and the Dockerfile with all of them applied. <see cref="DockerIgnore"/> is the complete
/// ignore file to put next to the rewritten Dockerfile (<c>NAME.dockerignore</c>: the original entries plus the
/// suggested ones), null when no ignore entry is suggested.
/// </summary>
public sealed record AdviceResult(IReadOnlyList<Suggestion> Suggestions, string RewrittenDockerfile, string? DockerIgnore)
{
    public bool ChangesDockerfile(string original) => !string.Equals(original, RewrittenDockerfile, StringComparison.Ordinal);
}
