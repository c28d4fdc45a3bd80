namespace Build.Engine.Snapshots;

/// <summary>What happened to a path in a step.</summary>
public enum SnapshotChangeKind
{
    /// <summary>Added or modified: the layer carries the entry from <see cref="SnapshotChange.SourcePath"/>.</summary>
    Changed = 0,

    /// <summary>Removed: the layer carries a <c>.wh.&lt;name&gt;</c> whiteout.</summary>
    Deleted = 1,

    /// <summary>A directory whose lower contents are all hidden (replaced): the layer carries the directory and
    /// a <c>.wh..wh..opq</c> marker; its new children follow as <see cref="Changed"/>.</summary>
    OpaqueDirectory = 2,
}
