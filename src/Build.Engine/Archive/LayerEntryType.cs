namespace Build.Engine.Archive;

/// <summary>The kinds of tar entries a layer carries (sockets have no tar representation and are skipped).</summary>
public enum LayerEntryType
{
    RegularFile,
    Directory,
    Symlink,

    /// <summary>A second name for a file already written earlier in the same layer (<see cref="LayerEntry.LinkTarget"/>).</summary>
    Hardlink,
    CharDevice,
    BlockDevice,
    Fifo,
}
