namespace Build.Engine.Snapshots;

/// <summary>How a RUN's root filesystem is made.</summary>
public enum SnapshotMode
{
    /// <summary>overlayfs: the layers as lower dirs, a fresh upper dir that is the step's diff.</summary>
    Overlay = 0,

    /// <summary>Fallback where overlayfs cannot be mounted: the layers copied into one directory, the diff
    /// computed by comparing it with the layers afterwards.</summary>
    Copy = 1,
}
