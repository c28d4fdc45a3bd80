namespace Build.Engine.Snapshots;

/// <summary>One entry of a step's diff.</summary>
/// <param name="Path">Relative to the rootfs, '/'-separated, no leading slash (as in a layer tar).</param>
/// <param name="Kind">What happened.</param>
/// <param name="SourcePath">The host file whose content and metadata go into the layer; null for deletions.</param>
public sealed record SnapshotChange(string Path, SnapshotChangeKind Kind, string? SourcePath);
