namespace Build.Engine.Caching;

/// <summary>What a COPY or ADD asks for from the context, after variable expansion.</summary>
/// <param name="Sources">Source paths relative to the context root; may contain Go <c>filepath.Match</c> wildcards.</param>
/// <param name="Excludes"><c>--exclude</c> patterns (.dockerignore syntax), matched against each path relative to the copied source.</param>
/// <param name="Parents"><c>--parents</c>: keep each source's path (from the context root, or from a <c>/./</c> pivot) under the destination.</param>
public sealed record CopySources(IReadOnlyList<string> Sources, IReadOnlyList<string>? Excludes = null, bool Parents = false);
