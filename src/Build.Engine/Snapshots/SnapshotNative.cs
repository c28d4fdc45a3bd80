using System.Runtime.InteropServices;
using Build.Engine.Archive.Native;

namespace Build.Engine.Snapshots;

/// <summary>
/// The snapshot code's file-system calls: the archive engine's <see cref="LibC"/> (statx, xattrs,
/// *at() metadata calls) with exceptions instead of errnos, plus the ext4 directory hint.
/// </summary>
internal static unsafe partial class SnapshotNative
{
    [LibraryImport("libc", SetLastError = true)]
    private static partial int ioctl(int fd, ulong request, int* arg);

    public static bool TryLstat(string path, out FileStatus st) => LibC.Lstat(LibC.AT_FDCWD, path, out st) == 0;

    public static FileStatus Lstat(string path)
    {
        var errno = LibC.Lstat(LibC.AT_FDCWD, path, out var st);
        if (errno != 0)
            throw new IOException($"lstat {path}: {LibC.ErrnoText(errno)}");
        return st;
    }

    /// <summary>Throws for a failed libc call (-1 and errno).</summary>
    public static void Check(int rc, string what, string path)
    {
        if (rc != 0)
            throw new IOException($"{what} {path}: {LibC.ErrnoText(LibC.LastErrno)}");
    }

    /// <summary>
    /// Marks a directory as the top of a directory hierarchy (FS_TOPDIR_FL, <c>chattr +T</c>): ext4's
    /// Orlov allocator then spreads its subdirectories over block groups instead of packing them next
    /// to the parent. Best effort: false where the filesystem has no such flag.
    /// </summary>
    public static bool SetTopDirectoryHint(string dir)
    {
        const ulong fsIocGetflags = 0x80086601;
        const ulong fsIocSetflags = 0x40086602;
        const int fsTopdirFl = 0x00020000;
        var fd = LibC.OpenAt(LibC.AT_FDCWD, dir, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
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
            LibC.Close(fd);
        }
    }
}
