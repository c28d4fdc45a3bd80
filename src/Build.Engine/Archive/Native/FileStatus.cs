using System.Buffers.Binary;

namespace Build.Engine.Archive.Native;

/// <summary>The parts of <c>struct statx</c> the archive code uses.</summary>
internal readonly record struct FileStatus(
    uint Mode,
    uint Uid,
    uint Gid,
    uint Nlink,
    ulong Inode,
    long Size,
    long MtimeSeconds,
    uint MtimeNanoseconds,
    uint RdevMajor,
    uint RdevMinor,
    uint DevMajor,
    uint DevMinor,
    long CtimeSeconds = 0,
    uint CtimeNanoseconds = 0)
{
    public uint FileType => Mode & LibC.S_IFMT;

    public bool IsDirectory => FileType == LibC.S_IFDIR;

    public bool IsSymlink => FileType == LibC.S_IFLNK;

    public bool IsRegular => FileType == LibC.S_IFREG;

    /// <summary>overlayfs's whiteout: a 0/0 character device.</summary>
    public bool IsWhiteout => FileType == LibC.S_IFCHR && RdevMajor == 0 && RdevMinor == 0;

    /// <summary>Decodes the statx layout (linux/stat.h), which is the same on every architecture.</summary>
    internal static unsafe FileStatus FromStatx(byte* buf)
    {
        var s = new ReadOnlySpan<byte>(buf, 256);
        return new FileStatus(
            Mode: BinaryPrimitives.ReadUInt16LittleEndian(s[28..]),
            Uid: BinaryPrimitives.ReadUInt32LittleEndian(s[20..]),
            Gid: BinaryPrimitives.ReadUInt32LittleEndian(s[24..]),
            Nlink: BinaryPrimitives.ReadUInt32LittleEndian(s[16..]),
            Inode: BinaryPrimitives.ReadUInt64LittleEndian(s[32..]),
            Size: (long)BinaryPrimitives.ReadUInt64LittleEndian(s[40..]),
            MtimeSeconds: BinaryPrimitives.ReadInt64LittleEndian(s[112..]),
            MtimeNanoseconds: BinaryPrimitives.ReadUInt32LittleEndian(s[120..]),
            RdevMajor: BinaryPrimitives.ReadUInt32LittleEndian(s[128..]),
            RdevMinor: BinaryPrimitives.ReadUInt32LittleEndian(s[132..]),
            DevMajor: BinaryPrimitives.ReadUInt32LittleEndian(s[136..]),
            DevMinor: BinaryPrimitives.ReadUInt32LittleEndian(s[140..]),
            CtimeSeconds: BinaryPrimitives.ReadInt64LittleEndian(s[96..]),
            CtimeNanoseconds: BinaryPrimitives.ReadUInt32LittleEndian(s[104..]));
    }
}
