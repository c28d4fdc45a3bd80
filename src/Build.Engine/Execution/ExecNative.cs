using System.Runtime.InteropServices;

namespace Build.Engine.Execution;

/// <summary>libc calls the executor needs: pipes, posix_spawn, poll, pidfd and mount.</summary>
internal static unsafe partial class ExecNative
{
    public const int OCloexec = 0x80000;
    public const int ONonblock = 0x800;
    public const int FDupfdCloexec = 1030;
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const short PollIn = 0x1;
    public const short PollHup = 0x10;
    public const short PollErr = 0x8;
    public const int EIntr = 4;
    public const int EAgain = 11;
    public const int EChild = 10;
    public const int MntDetach = 2;

    private const long SysPidfdSendSignal = 424;
    private const long SysPidfdOpen = 434;
    private const long SysMoveMount = 429;
    private const long SysFsopen = 430;
    private const long SysFsconfig = 431;
    private const long SysFsmount = 432;
    private const uint FsconfigSetFlag = 0;
    private const uint FsconfigSetString = 1;
    private const uint FsconfigCmdCreate = 6;
    private const uint MoveMountFEmptyPath = 4;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", SetLastError = true)]
    public static partial int pipe2(int* fds, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint read(int fd, byte* buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int poll(PollFd* fds, nuint nfds, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int waitpid(int pid, int* status, int options);

    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, long a1, long a2, long a3, long a4, long a5);

    [LibraryImport("libc")]
    public static partial int posix_spawn(int* pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);

    [LibraryImport("libc")]
    public static partial int posix_spawn_file_actions_init(void* actions);

    [LibraryImport("libc")]
    public static partial int posix_spawn_file_actions_destroy(void* actions);

    [LibraryImport("libc")]
    public static partial int posix_spawn_file_actions_adddup2(void* actions, int fd, int newfd);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int posix_spawn_file_actions_addopen(void* actions, int fd, string path, int oflag, uint mode);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mount(string? source, string target, string? fstype, ulong flags, string? data);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int umount2(string target, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, byte* a1, long a2, long a3, long a4, long a5);

    public static int PidfdOpen(int pid) => (int)syscall(SysPidfdOpen, pid, 0, 0, 0, 0);

    public static int PidfdSendSignal(int pidfd, int signal) => (int)syscall(SysPidfdSendSignal, pidfd, signal, 0, 0, 0);

    public static int LastErrno => Marshal.GetLastPInvokeError();

    public static string LastError() => Marshal.GetLastPInvokeErrorMessage();

    // The new mount API (fsopen/fsconfig/fsmount/move_mount): glibc 2.36 has no wrappers for all of them.

    public static int Fsopen(string fsType)
    {
        var name = Utf8(fsType);
        try
        {
            return (int)syscall(SysFsopen, name, 1 /* FSOPEN_CLOEXEC */, 0, 0, 0);
        }
        finally
        {
            NativeMemory.Free(name);
        }
    }

    public static int FsconfigString(int fd, string key, string value)
    {
        var k = Utf8(key);
        var v = Utf8(value);
        try
        {
            return (int)syscall(SysFsconfig, fd, FsconfigSetString, (long)k, (long)v, 0);
        }
        finally
        {
            NativeMemory.Free(k);
            NativeMemory.Free(v);
        }
    }

    public static int FsconfigFlag(int fd, string key)
    {
        var k = Utf8(key);
        try
        {
            return (int)syscall(SysFsconfig, fd, FsconfigSetFlag, (long)k, 0, 0);
        }
        finally
        {
            NativeMemory.Free(k);
        }
    }

    public static int FsconfigCreate(int fd) => (int)syscall(SysFsconfig, fd, FsconfigCmdCreate, 0, 0, 0);

    public static int Fsmount(int fd) => (int)syscall(SysFsmount, fd, 1 /* FSMOUNT_CLOEXEC */, 0, 0, 0);

    public static int MoveMount(int fromFd, string target)
    {
        var empty = Utf8("");
        var t = Utf8(target);
        try
        {
            return (int)syscall(SysMoveMount, fromFd, (long)empty, -100 /* AT_FDCWD */, (long)t, MoveMountFEmptyPath);
        }
        finally
        {
            NativeMemory.Free(empty);
            NativeMemory.Free(t);
        }
    }

    public static byte* Utf8(string s)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(s);
        var p = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        p[bytes.Length] = 0;
        return p;
    }
}
