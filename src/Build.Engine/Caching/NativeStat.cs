using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Build.Engine.Caching;

/// <summary>
/// lstat through Linux <c>statx(2)</c>. The BCL exposes neither ctime nor inode numbers, and the stat cache needs both;
/// <c>struct statx</c> has the same layout on every architecture, unlike <c>struct stat</c>.
/// </summary>
internal static partial class NativeStat
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int Enoent = 2;
    private const int Enotdir = 20;

    internal readonly record struct Result(ContextEntryType Type, int Mode, FileStamp Stamp, ulong DeviceNumber);

    private const int AtEmptyPath = 0x1000;

    /// <summary>Stats <paramref name="path"/> without following a final symlink; null when it does not exist.</summary>
    public static unsafe Result? LStat(string path)
    {
        byte* buf = stackalloc byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buf) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is Enoent or Enotdir)
                return null;
            throw new IOException($"stat {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        return Decode(buf, path);
    }

    /// <summary>Stats an open file: tells what was actually opened, whatever the path points to now.</summary>
    public static unsafe Result FStat(Microsoft.Win32.SafeHandles.SafeFileHandle handle, string pathForErrors)
    {
        byte* buf = stackalloc byte[256];
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (Statx((int)handle.DangerousGetHandle(), "", AtEmptyPath | AtSymlinkNoFollow, StatxBasicStats, buf) != 0)
                throw new IOException($"stat {pathForErrors}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
        finally
        {
            if (added)
                handle.DangerousRelease();
        }
        return Decode(buf, pathForErrors);
    }

    private static unsafe Result Decode(byte* buf, string path)
    {
        var span = new ReadOnlySpan<byte>(buf, 256);
        int mode = BinaryPrimitives.ReadUInt16LittleEndian(span[28..]);
        ulong ino = BinaryPrimitives.ReadUInt64LittleEndian(span[32..]);
        long size = BinaryPrimitives.ReadInt64LittleEndian(span[40..]);
        long ctime = Timestamp(span[96..]);
        long mtime = Timestamp(span[112..]);
        ulong rdev = ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(span[128..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(span[132..]);
        ulong dev = ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(span[136..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(span[140..]);
        ContextEntryType type = (mode & 0xF000) switch
        {
            0x8000 => ContextEntryType.File,
            0x4000 => ContextEntryType.Directory,
            0xA000 => ContextEntryType.Symlink,
            0x1000 => ContextEntryType.Fifo,
            0xC000 => ContextEntryType.Socket,
            0x2000 => ContextEntryType.CharDevice,
            0x6000 => ContextEntryType.BlockDevice,
            _ => throw new IOException($"stat {path}: unknown file type {mode:x}"),
        };
        bool isDevice = type is ContextEntryType.CharDevice or ContextEntryType.BlockDevice;
        return new Result(type, mode & 0xFFF, new FileStamp(type == ContextEntryType.File ? size : 0, mtime, ctime, ino, dev), isDevice ? rdev : 0);
    }

    private static long Timestamp(ReadOnlySpan<byte> ts) =>
        (BinaryPrimitives.ReadInt64LittleEndian(ts) * 1_000_000_000L) + BinaryPrimitives.ReadUInt32LittleEndian(ts[8..]);

    [LibraryImport("libc.so.6", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
