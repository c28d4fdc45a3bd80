using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Build.Engine.Content;

/// <summary>
/// Starts the kernel's write-out of a file's dirty pages while the file is still being written
/// (<c>sync_file_range(SYNC_FILE_RANGE_WRITE)</c>, which does not wait), so the <c>fsync</c> at commit finds
/// little left to flush. Durability is unchanged (the commit still fsyncs); a large download or layer no longer
/// ends with a stall of several hundred milliseconds writing it all back at once. A no-op off Linux or when the
/// call fails (some file systems do not support it).
/// </summary>
internal static partial class EarlyWriteback
{
    /// <summary>Bytes written between two write-out requests.</summary>
    public const long Interval = 8L << 20;

    private const uint SyncFileRangeWrite = 2;

    private static bool disabled = !OperatingSystem.IsLinux();

    /// <summary>Asks the kernel to start writing back <paramref name="handle"/>'s dirty pages from <paramref name="from"/> to its end.</summary>
    public static void Start(SafeFileHandle handle, long from)
    {
        if (disabled || handle.IsInvalid || handle.IsClosed)
            return;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (SyncFileRange((int)handle.DangerousGetHandle(), from, 0, SyncFileRangeWrite) != 0)
                disabled = true; // ENOSYS, EINVAL on odd file systems: stop asking
        }
        catch (EntryPointNotFoundException)
        {
            disabled = true;
        }
        finally
        {
            if (added)
                handle.DangerousRelease();
        }
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(int fd, long offset, long nbytes, uint flags);
}
