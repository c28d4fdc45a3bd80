using System.Runtime.InteropServices;
using System.Text;

namespace Build.Engine.Snapshots;

/// <summary>libc and syscalls for snapshots:
/// statx, xattrs and the metadata calls the BCL lacks (lchown, mknod, utimensat).</summary>
internal static unsafe partial class SnapshotNative
{
    public const uint SIfmt = 0xF000;
    public const uint SIfdir = 0x4000;
    public const uint SIfreg = 0x8000;
    public const uint SIflnk = 0xA000;
    public const uint SIfchr = 0x2000;
    public const uint SIfblk = 0x6000;
    public const uint SIfifo = 0x1000;
    public const uint SIfsock = 0xC000;
    public const int AtFdcwd = -100;
    public const int AtSymlinkNofollow = 0x100;
    public const int ENoent = 2;
    public const int ENodata = 61;
    public const int ENosys = 38;


    [StructLayout(LayoutKind.Sequential)]
    public struct StatxTimestamp
    {
        public long Sec;
        public uint Nsec;
        public int Reserved;
    }

    /// <summary>struct statx: the same layout on every architecture, unlike struct stat.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Statx
    {
        public uint Mask;
        public uint Blksize;
        public ulong Attributes;
        public uint Nlink;
        public uint Uid;
        public uint Gid;
        public ushort Mode;
        public ushort Spare0;
        public ulong Ino;
        public ulong Size;
        public ulong Blocks;
        public ulong AttributesMask;
        public StatxTimestamp Atime;
        public StatxTimestamp Btime;
        public StatxTimestamp Ctime;
        public StatxTimestamp Mtime;
        public uint RdevMajor;
        public uint RdevMinor;
        public uint DevMajor;
        public uint DevMinor;
        public fixed ulong Spare2[14];

        public readonly uint Type => Mode & SIfmt;

        public readonly bool IsDirectory => Type == SIfdir;

        /// <summary>overlayfs's whiteout: a 0/0 character device.</summary>
        public readonly bool IsWhiteout => Type == SIfchr && RdevMajor == 0 && RdevMinor == 0;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Sec;
        public long Nsec;
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, Statx* buf);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint lgetxattr(string path, string name, byte* value, nuint size);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lsetxattr(string path, string name, byte* value, nuint size, int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lchown(string path, uint owner, uint group);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chmod(string path, uint mode);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mknod(string path, uint mode, ulong dev);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int link(string oldPath, string newPath);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int utimensat(int dirfd, string path, Timespec* times, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ioctl(int fd, ulong request, int* arg);

    public static int LastErrno => Marshal.GetLastPInvokeError();

    /// <summary>
    /// Marks a directory as the top of a directory hierarchy (FS_TOPDIR_FL, <c>chattr +T</c>): ext4's
    /// Orlov allocator then spreads its subdirectories over block groups instead of packing them next
    /// to the parent. Best effort: false where the filesystem has no such flag.
    /// </summary>
    public static bool SetTopDirectoryHint(string dir)
    {
        const int oRdonlyDirectoryCloexec = 0x10000 | 0x80000;
        const ulong fsIocGetflags = 0x80086601;
        const ulong fsIocSetflags = 0x40086602;
        const int fsTopdirFl = 0x00020000;
        var fd = open(dir, oRdonlyDirectoryCloexec);
        if (fd < 0)
            return false;
        try
        {
            int flags;
            if (ioctl(fd, fsIocGetflags, &flags) != 0)
                return false;
            if ((flags & fsTopdirFl) != 0)
                return true;
            flags |= fsTopdirFl;
            return ioctl(fd, fsIocSetflags, &flags) == 0;
        }
        finally
        {
            close(fd);
        }
    }

    public static string LastError() => Marshal.GetLastPInvokeErrorMessage();

    public static bool TryLstat(string path, out Statx st)
    {
        Statx s;
        // mask 0x7ff = STATX_BASIC_STATS
        var rc = statx(AtFdcwd, path, AtSymlinkNofollow, 0x7ff, &s);
        st = s;
        return rc == 0;
    }

    public static Statx Lstat(string path)
    {
        if (!TryLstat(path, out var st))
            throw new IOException($"lstat {path}: {LastError()}");
        return st;
    }

    /// <summary>An xattr's value, or null when absent.</summary>
    public static byte[]? GetXattr(string path, string name)
    {
        var buf = stackalloc byte[256];
        var n = lgetxattr(path, name, buf, 256);
        if (n < 0)
            return null;
        return new Span<byte>(buf, (int)n).ToArray();
    }

    public static void SetTimes(string path, in StatxTimestamp atime, in StatxTimestamp mtime)
    {
        var times = stackalloc Timespec[2];
        times[0] = new Timespec { Sec = atime.Sec, Nsec = atime.Nsec };
        times[1] = new Timespec { Sec = mtime.Sec, Nsec = mtime.Nsec };
        if (utimensat(AtFdcwd, path, times, AtSymlinkNofollow) != 0)
            throw new IOException($"utimensat {path}: {LastError()}");
    }

    public static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) | ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);
}
