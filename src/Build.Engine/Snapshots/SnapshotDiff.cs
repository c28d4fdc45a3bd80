using System.Collections.Immutable;

namespace Build.Engine.Snapshots;

/// <summary>
/// A step's changes, sorted by path (ordinal), parents before children: what the layer writer turns
/// into a tar with OCI whiteouts. Empty when the step changed nothing (BuildKit then still records an
/// empty layer).
/// </summary>
public sealed record SnapshotDiff(ImmutableArray<SnapshotChange> Changes)
{
    public bool IsEmpty => Changes.IsEmpty;
}
