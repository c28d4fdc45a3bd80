namespace Build.Engine.Caching;

/// <summary>One entry a COPY/ADD will write.</summary>
/// <param name="TargetPath">
/// Where it goes, relative to the destination: a file source's base name, a directory source's contents by their
/// path inside it (the directory itself is <c>.</c>), or with <c>--parents</c> the path kept from the source.
/// </param>
/// <param name="Source">The context entry that supplies its type, mode and content (a top-level symlink source is followed).</param>
public sealed record SelectedEntry(string TargetPath, ContextEntry Source);
