namespace Build.Engine.Caching;

/// <summary>
/// The cheap change check for a file: if none of these changed, its content did not either (short of someone restoring
/// timestamps on purpose, which git and BuildKit also accept). Never part of a content digest.
/// </summary>
/// <param name="Size">Size in bytes.</param>
/// <param name="MtimeNs">Modification time, nanoseconds since the Unix epoch.</param>
/// <param name="CtimeNs">Status-change time, nanoseconds since the Unix epoch: catches a restored mtime.</param>
/// <param name="Inode">Inode number: catches a file replaced by another with the same size and times.</param>
/// <param name="Device">Device number of the file system holding the inode.</param>
public readonly record struct FileStamp(long Size, long MtimeNs, long CtimeNs, ulong Inode, ulong Device);
