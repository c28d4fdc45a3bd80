namespace Build.Engine.Archive;

/// <summary>What the unpacker does with OCI whiteout entries.</summary>
public enum WhiteoutMode
{
    /// <summary>
    /// OCI semantics on a merged tree: <c>.wh.NAME</c> deletes NAME, <c>.wh..wh..opq</c> deletes what the
    /// directory held from earlier layers. Entries of the same layer are never deleted by its own whiteouts.
    /// </summary>
    Apply,

    /// <summary>
    /// For a snapshot directory used as an overlayfs lowerdir: <c>.wh.NAME</c> becomes a 0/0 character
    /// device and <c>.wh..wh..opq</c> sets the opaque xattr on its directory (needs root, as overlayfs does).
    /// </summary>
    OverlayNative,
}
