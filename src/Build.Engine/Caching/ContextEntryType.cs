namespace Build.Engine.Caching;

/// <summary>The kind of a file-system entry in a build context.</summary>
public enum ContextEntryType
{
    File,
    Directory,
    Symlink,
    Fifo,
    Socket,
    CharDevice,
    BlockDevice,
}
