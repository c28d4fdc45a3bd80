namespace Build.Engine.Snapshots;

/// <summary>Settings of a <see cref="SnapshotStore"/>.</summary>
/// <param name="Root">The snapshot area, e.g. <c>&lt;builder root&gt;/snapshots</c>.</param>
/// <param name="ForceCopy">Use the copy fallback even where overlayfs works (tests, odd filesystems).</param>
/// <param name="Report">Called once when the store falls back to copying, with the reason.</param>
/// <param name="Lease">The running build's store lease: unpacked layers it uses are touched under the store lock so
/// <c>builder prune</c> keeps them while the build runs (docs/oci-and-store.md, "Garbage collection").</param>
public sealed record SnapshotOptions(string Root, bool ForceCopy = false, Action<string>? Report = null, Content.StoreLease? Lease = null);
