namespace Build.Engine.Archive;

/// <summary>How a directory walked into a layer represents deletions.</summary>
public enum WhiteoutFormat
{
    /// <summary>The tree is taken literally; <c>.wh.*</c> files in it are written as they are.</summary>
    Oci,

    /// <summary>
    /// The tree is an overlayfs upper dir: a 0/0 character device becomes a <c>.wh.NAME</c> entry, a
    /// directory marked opaque (<c>trusted.overlay.opaque=y</c> or <c>user.overlay.opaque=y</c>) gets a
    /// <c>.wh..wh..opq</c> entry, and overlay's own <c>*.overlay.*</c> xattrs are dropped.
    /// </summary>
    Overlay,
}
