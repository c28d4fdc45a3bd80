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

    /// <summary>AT_FDCWD: paths relative to the working directory (absolute paths ignore it).</summary>
    public const int AtCwd = AtFdCwd;
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

    /// <summary>
    /// Stats <paramref name="name"/> inside the open directory <paramref name="dirFd"/> without following a final
    /// symlink: one path component for the kernel to look up instead of the whole path. Null when it does not exist.
    /// </summary>
    public static unsafe Result? LStatAt(int dirFd, string name, string pathForErrors)
    {
        byte* buf = stackalloc byte[256];
        byte* utf8 = stackalloc byte[NameBufferSize];
        Utf8Name(name, utf8);
        if (StatxAt(dirFd, utf8, AtSymlinkNoFollow, StatxBasicStats, buf) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is Enoent or Enotdir)
                return null;
            throw new IOException($"stat {pathForErrors}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        return Decode(buf, pathForErrors);
    }

    /// <summary>The target of the symlink <paramref name="name"/> inside <paramref name="dirFd"/>.</summary>
    public static unsafe string ReadLinkAt(int dirFd, string name, string pathForErrors)
    {
        byte* utf8 = stackalloc byte[NameBufferSize];
        Utf8Name(name, utf8);
        byte* target = stackalloc byte[4097];
        nint n = ReadLinkAtNative(dirFd, utf8, target, 4096);
        if (n < 0)
            throw new IOException($"readlink {pathForErrors}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        return System.Text.Encoding.UTF8.GetString(target, (int)n);
    }

    /// <summary>
    /// Opens a directory for reading. With <paramref name="dirFd"/> and <paramref name="noFollow"/> it opens one
    /// component relative to an open directory and refuses a symlink, so a walk cannot be led out of its root by an
    /// entry swapped for a symlink after it was seen.
    /// </summary>
    public static unsafe int OpenDirectory(int dirFd, string path, bool noFollow)
    {
        int flags = ODirectory | OCloexec | (noFollow ? ONofollow : 0);
        byte[] utf8 = new byte[System.Text.Encoding.UTF8.GetByteCount(path) + 1];
        System.Text.Encoding.UTF8.GetBytes(path, utf8);
        int fd;
        fixed (byte* name = utf8)
            fd = OpenAtNative(dirFd, name, flags, 0);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw errno == Enoent
                ? new DirectoryNotFoundException($"{path}: no such directory")
                : new IOException($"open {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        return fd;
    }

    /// <summary>The names in an open directory (without <c>.</c> and <c>..</c>), unsorted.</summary>
    public static unsafe List<string> ReadNames(int dirFd, string pathForErrors)
    {
        var names = new List<string>();
        const int size = 32 * 1024;
        byte* buf = stackalloc byte[size];
        while (true)
        {
            nint n = GetDents64(dirFd, buf, size);
            if (n < 0)
                throw new IOException($"read directory {pathForErrors}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            if (n == 0)
                return names;
            for (nint pos = 0; pos < n;)
            {
                // struct linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, char name[] (NUL-terminated).
                byte* rec = buf + pos;
                ushort reclen = BinaryPrimitives.ReadUInt16LittleEndian(new ReadOnlySpan<byte>(rec + 16, 2));
                var name = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpanFromNullTerminated(rec + 19);
                pos += reclen;
                if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8))
                    continue;
                // Decoded as the BCL decodes file names (invalid UTF-8 becomes U+FFFD).
                names.Add(System.Text.Encoding.UTF8.GetString(name));
            }
        }
    }

    public static void CloseFd(int fd) => _ = CloseNative(fd);

    private const int NameBufferSize = 1024;

    // Open flags differ between architectures (asm-generic is used by arm64 and most newer ones).
    private static readonly bool X86 = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86;
    private static readonly int ODirectory = X86 ? 0x10000 : 0x4000;
    private static readonly int ONofollow = X86 ? 0x20000 : 0x8000;
    private const int OCloexec = 0x80000;

    private static unsafe void Utf8Name(string name, byte* buffer)
    {
        // A file name is at most 255 bytes on disk; decoded and re-encoded it stays below the buffer.
        var span = new Span<byte>(buffer, NameBufferSize - 1);
        if (!System.Text.Encoding.UTF8.TryGetBytes(name, span, out int n))
            throw new IOException($"{name}: file name too long");
        buffer[n] = 0;
    }

    private static long Timestamp(ReadOnlySpan<byte> ts) =>
        (BinaryPrimitives.ReadInt64LittleEndian(ts) * 1_000_000_000L) + BinaryPrimitives.ReadUInt32LittleEndian(ts[8..]);

    [LibraryImport("libc.so.6", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc.so.6", EntryPoint = "statx", SetLastError = true)]
    private static unsafe partial int StatxAt(int dirfd, byte* path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc.so.6", EntryPoint = "openat", SetLastError = true)]
    private static unsafe partial int OpenAtNative(int dirfd, byte* path, int flags, uint mode);

    [LibraryImport("libc.so.6", EntryPoint = "readlinkat", SetLastError = true)]
    private static unsafe partial nint ReadLinkAtNative(int dirfd, byte* path, byte* buffer, nuint size);

    [LibraryImport("libc.so.6", EntryPoint = "getdents64", SetLastError = true)]
    private static unsafe partial nint GetDents64(int fd, byte* buffer, nuint count);

    [LibraryImport("libc.so.6", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseNative(int fd);
}
