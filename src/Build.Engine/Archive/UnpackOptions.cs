namespace Build.Engine.Archive;

/// <summary>How <see cref="LayerUnpacker"/> applies a layer.</summary>
public sealed record UnpackOptions
{
    public WhiteoutMode Whiteouts { get; init; } = WhiteoutMode.Apply;

    /// <summary>Set owners from the archive. Null: only when running as root (otherwise chown would fail).</summary>
    public bool? PreserveOwnership { get; init; }

    /// <summary>Create character and block devices. Null: only when running as root; otherwise they are skipped and counted.</summary>
    public bool? AllowDevices { get; init; }

    /// <summary>
    /// Prefix of overlayfs's xattrs for <see cref="WhiteoutMode.OverlayNative"/>: <c>trusted.overlay.</c>, or
    /// <c>user.overlay.</c> for an overlay mounted with <c>userxattr</c>.
    /// </summary>
    public string OverlayXattrPrefix { get; init; } = "trusted.overlay.";
}
