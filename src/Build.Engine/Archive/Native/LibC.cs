using System.Runtime.InteropServices;

namespace Build.Engine.Archive.Native;

/// <summary>
/// The few libc calls the archive code needs that the BCL does not expose: inode numbers, device
/// numbers and nanosecond times (statx), binary xattrs, device nodes, and *at() calls relative to a
/// directory fd so that extraction never follows a symlink it did not choose to follow.
/// </summary>
internal static unsafe partial class LibC
{
    private const string Lib = "libc";

    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const int AT_REMOVEDIR = 0x200;
    public const int AT_EMPTY_PATH = 0x1000;

    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_CREAT = 0x40;
    public const int O_EXCL = 0x80;
    public const int O_TRUNC = 0x200;
    public const int O_DIRECTORY = 0x10000;
    public const int O_NOFOLLOW = 0x20000;
    public const int O_CLOEXEC = 0x80000;
    public const int O_PATH = 0x200000;

    public const ulong RESOLVE_NO_XDEV = 0x01;
    public const ulong RESOLVE_NO_MAGICLINKS = 0x02;
    public const ulong RESOLVE_NO_SYMLINKS = 0x04;
    public const ulong RESOLVE_BENEATH = 0x08;
    public const ulong RESOLVE_IN_ROOT = 0x10;

    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int EINVAL = 22;
    public const int ERANGE = 34;
    public const int ENOTEMPTY = 39;
    public const int ELOOP = 40;
    public const int ENODATA = 61;
    public const int EOPNOTSUPP = 95;
    public const int EXDEV = 18;
    public const int ENOSYS = 38;

    public const uint S_IFMT = 0xF000;
    public const uint S_IFSOCK = 0xC000;
    public const uint S_IFLNK = 0xA000;
    public const uint S_IFREG = 0x8000;
    public const uint S_IFBLK = 0x6000;
    public const uint S_IFDIR = 0x4000;
    public const uint S_IFCHR = 0x2000;
    public const uint S_IFIFO = 0x1000;

    private const uint STATX_BASIC_STATS = 0x7FF;

    /// <summary>openat2(2) is not wrapped by glibc 2.36; its number is the same on every Linux architecture.</summary>
    private const long SYS_openat2 = 437;

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatxNative(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true)]
    private static partial int StatxNative(int dirfd, byte* path, int flags, uint mask, byte* buffer);

    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall4(long number, long a1, long a2, long a3, long a4);

    [LibraryImport(Lib, EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OpenAt(int dirfd, string path, int flags, uint mode);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Lib, EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MkdirAt(int dirfd, string path, uint mode);

    [LibraryImport(Lib, EntryPoint = "mknodat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MknodAt(int dirfd, string path, uint mode, ulong dev);

    [LibraryImport(Lib, EntryPoint = "symlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SymlinkAt(string target, int dirfd, string linkPath);

    [LibraryImport(Lib, EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LinkAt(int oldDirfd, string oldPath, int newDirfd, string newPath, int flags);

    [LibraryImport(Lib, EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int UnlinkAt(int dirfd, string path, int flags);

    [LibraryImport(Lib, EntryPoint = "fchownat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int FchownAt(int dirfd, string path, uint uid, uint gid, int flags);

    [LibraryImport(Lib, EntryPoint = "fchmodat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int FchmodAt(int dirfd, string path, uint mode, int flags);

    [LibraryImport(Lib, EntryPoint = "fchmod", SetLastError = true)]
    public static partial int Fchmod(int fd, uint mode);

    [LibraryImport(Lib, EntryPoint = "fchown", SetLastError = true)]
    public static partial int Fchown(int fd, uint uid, uint gid);

    [LibraryImport(Lib, EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UtimensAtNative(int dirfd, string path, long* times, int flags);

    [LibraryImport(Lib, EntryPoint = "futimens", SetLastError = true)]
    private static partial int FutimensNative(int fd, long* times);

    [LibraryImport(Lib, EntryPoint = "readlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint ReadlinkAtNative(int dirfd, string path, byte* buf, nint size);

    [LibraryImport(Lib, EntryPoint = "llistxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint LlistxattrNative(string path, byte* list, nint size);

    [LibraryImport(Lib, EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint LgetxattrNative(string path, string name, byte* value, nint size);

    [LibraryImport(Lib, EntryPoint = "lsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LsetxattrNative(string path, string name, byte* value, nint size, int flags);

    [LibraryImport(Lib, EntryPoint = "fsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int FsetxattrNative(int fd, string name, byte* value, nint size, int flags);

    [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
    private static partial nint WriteNative(int fd, byte* buf, nint count);

    [LibraryImport(Lib, EntryPoint = "geteuid")]
    public static partial uint GetEuid();

    public static int LastErrno => Marshal.GetLastPInvokeError();

    public static string ErrnoText(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";

    /// <summary>lstat-like statx of <paramref name="path"/> relative to <paramref name="dirfd"/>; errno on failure.</summary>
    public static int Lstat(int dirfd, string path, out FileStatus status)
    {
        byte* buf = stackalloc byte[256];
        int rc = StatxNative(dirfd, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buf);
        if (rc != 0)
        {
            status = default;
            return LastErrno;
        }
        status = FileStatus.FromStatx(buf);
        return 0;
    }

    /// <summary>statx of an open fd (AT_EMPTY_PATH).</summary>
    public static int Fstat(int fd, out FileStatus status)
    {
        byte* buf = stackalloc byte[256];
        byte empty = 0;
        int rc = StatxNative(fd, &empty, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buf);
        if (rc != 0)
        {
            status = default;
            return LastErrno;
        }
        status = FileStatus.FromStatx(buf);
        return 0;
    }

    /// <summary>openat2(2); returns the fd or -errno.</summary>
    public static int OpenAt2(int dirfd, string path, int flags, uint mode, ulong resolve)
    {
        var how = new OpenHow { Flags = (ulong)flags, Mode = mode, Resolve = resolve };
        int len = System.Text.Encoding.UTF8.GetByteCount(path);
        byte[] bytes = new byte[len + 1];
        System.Text.Encoding.UTF8.GetBytes(path, bytes);
        fixed (byte* p = bytes)
        {
            while (true)
            {
                long rc = Syscall4(SYS_openat2, dirfd, (long)p, (long)&how, sizeof(OpenHow));
                if (rc >= 0)
                    return (int)rc;
                int errno = LastErrno;
                if (errno != EINTR)
                    return -errno;
            }
        }
    }

    public static int UtimensAt(int dirfd, string path, long sec, long nsec, int flags)
    {
        long* times = stackalloc long[4];
        times[0] = sec; times[1] = nsec; times[2] = sec; times[3] = nsec;
        return UtimensAtNative(dirfd, path, times, flags) == 0 ? 0 : LastErrno;
    }

    public static int Futimens(int fd, long sec, long nsec)
    {
        long* times = stackalloc long[4];
        times[0] = sec; times[1] = nsec; times[2] = sec; times[3] = nsec;
        return FutimensNative(fd, times) == 0 ? 0 : LastErrno;
    }

    /// <summary>The raw bytes of a symlink's target (targets need not be valid UTF-8).</summary>
    public static byte[]? ReadlinkAt(int dirfd, string path, out int errno)
    {
        int size = 256;
        while (true)
        {
            byte[] buf = new byte[size];
            nint n;
            fixed (byte* p = buf)
                n = ReadlinkAtNative(dirfd, path, p, size);
            if (n < 0)
            {
                errno = LastErrno;
                return null;
            }
            if (n < size)
            {
                errno = 0;
                return buf.AsSpan(0, (int)n).ToArray();
            }
            size *= 4;
        }
    }

    /// <summary>Names of the xattrs of <paramref name="path"/> (not following a final symlink).</summary>
    public static List<string> ListXattrs(string path)
    {
        var names = new List<string>();
        nint size = LlistxattrNative(path, null, 0);
        if (size <= 0)
            return names;
        while (true)
        {
            byte[] buf = new byte[size];
            nint n;
            fixed (byte* p = buf)
                n = LlistxattrNative(path, p, size);
            if (n < 0)
            {
                if (LastErrno == ERANGE)
                {
                    size = LlistxattrNative(path, null, 0);
                    if (size <= 0)
                        return names;
                    continue;
                }
                return names;
            }
            int start = 0;
            for (int i = 0; i < n; i++)
            {
                if (buf[i] == 0)
                {
                    if (i > start)
                        names.Add(System.Text.Encoding.UTF8.GetString(buf, start, i - start));
                    start = i + 1;
                }
            }
            return names;
        }
    }

    /// <summary>The raw value of one xattr, or null if it vanished.</summary>
    public static byte[]? GetXattr(string path, string name)
    {
        while (true)
        {
            nint size = LgetxattrNative(path, name, null, 0);
            if (size < 0)
                return null;
            byte[] buf = new byte[size];
            nint n;
            fixed (byte* p = buf)
                n = LgetxattrNative(path, name, p, size);
            if (n >= 0)
                return n == size ? buf : buf.AsSpan(0, (int)n).ToArray();
            if (LastErrno != ERANGE)
                return null;
        }
    }

    public static int SetXattr(string path, string name, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value)
            return LsetxattrNative(path, name, p, value.Length, 0) == 0 ? 0 : LastErrno;
    }

    public static int FSetXattr(int fd, string name, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value)
            return FsetxattrNative(fd, name, p, value.Length, 0) == 0 ? 0 : LastErrno;
    }

    /// <summary>Writes all of <paramref name="data"/> to <paramref name="fd"/>; errno on failure.</summary>
    public static int WriteAll(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            nint done = 0;
            while (done < data.Length)
            {
                nint n = WriteNative(fd, p + done, data.Length - done);
                if (n < 0)
                {
                    int errno = LastErrno;
                    if (errno == EINTR)
                        continue;
                    return errno;
                }
                done += n;
            }
        }
        return 0;
    }

    /// <summary>The kernel's dev_t encoding of (major, minor) as glibc's makedev does it.</summary>
    public static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) |
        ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);
}
