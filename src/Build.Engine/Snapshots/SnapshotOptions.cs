namespace Build.Engine.Snapshots;

/// <summary>Settings of a <see cref="SnapshotStore"/>.</summary>
/// <param name="Root">The snapshot area, e.g. <c>&lt;builder root&gt;/snapshots</c>.</param>
/// <param name="ForceCopy">Use the copy fallback even where overlayfs works (tests, odd filesystems).</param>
/// <param name="Report">Called once when the store falls back to copying, with the reason.</param>
public sealed record SnapshotOptions(string Root, bool ForceCopy = false, Action<string>? Report = null);
