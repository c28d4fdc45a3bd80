namespace Build.Insights.Advice;

/// <summary>The kinds of <see cref="Suggestion"/>, as they appear in the JSON report.</summary>
public static class SuggestionKind
{
    public const string DependencyManifests = "dependency-manifests";
    public const string SplitCopy = "split-copy";
    public const string MoveArg = "move-arg";
    public const string CacheMount = "cache-mount";
    public const string DockerIgnore = "dockerignore";
}
