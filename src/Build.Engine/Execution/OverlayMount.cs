using System.Text;
using Build.Engine.Archive.Native;
using Build.Engine.Errors;

namespace Build.Engine.Execution;

/// <summary>
/// Mounts overlayfs on the host (the snapshot store's probe and read-only views, the runc backend's
/// rootfs; the namespace sandbox mounts a step's overlay itself, in sandbox-init.c, with the same options). The new mount API adds lower dirs one by one (<c>lowerdir+</c>, Linux 6.8+), so a
/// 120-layer image is no problem; mount(2) packs all options into one page (4 KiB), which long layer
/// paths overflow around 50 layers, so it is only the fallback for older kernels.
/// </summary>
internal static class OverlayMount
{
    /// <param name="lowersTopFirst">Lower dirs, topmost first (overlay's order).</param>
    public static void Mount(IReadOnlyList<string> lowersTopFirst, string upper, string work, string target)
    {
        var fd = ExecNative.Fsopen("overlay");
        if (fd >= 0)
        {
            try
            {
                string? failed = null;
                foreach (var lower in lowersTopFirst)
                {
                    if (ExecNative.FsconfigString(fd, "lowerdir+", lower) != 0)
                    {
                        failed = "lowerdir+ " + lower;
                        break;
                    }
                }
                if (failed is null)
                {
                    Set(fd, "upperdir", upper);
                    Set(fd, "workdir", work);
                    SetOptions(fd);
                    if (ExecNative.FsconfigCreate(fd) != 0)
                        throw Fail(target, "fsconfig create");
                    var mnt = ExecNative.Fsmount(fd);
                    if (mnt < 0)
                        throw Fail(target, "fsmount");
                    try
                    {
                        if (ExecNative.MoveMount(mnt, target) != 0)
                            throw Fail(target, "move_mount");
                    }
                    finally
                    {
                        LibC.Close(mnt);
                    }
                    return;
                }
                // A kernel without lowerdir+ (before 6.8) rejects the key: use mount(2) below.
                if (ExecNative.LastErrno != 22)
                    throw Fail(target, failed);
            }
            finally
            {
                LibC.Close(fd);
            }
        }
        MountLegacy(lowersTopFirst, upper, work, target);
    }

    private static void SetOptions(int fd)
    {
        // redirect_dir and metacopy off: renames copy data and chmod copies the file, so the upper dir
        // is a plain, self-contained diff the layer writer can read (no redirect or metacopy xattrs
        // pointing back into lower layers). index off: no hardlink index state to carry between mounts.
        // volatile: no syncs; a crashed step's upper dir is thrown away anyway.
        Set(fd, "redirect_dir", "off");
        Set(fd, "metacopy", "off");
        Set(fd, "index", "off");
        ExecNative.FsconfigFlag(fd, "volatile");
    }

    private static void Set(int fd, string key, string value)
    {
        if (ExecNative.FsconfigString(fd, key, value) != 0 && key is "upperdir" or "workdir")
            throw new BuildException(ErrorCode.SandboxFailed, $"overlay {key}={value}: {ExecNative.LastError()}");
    }

    private static void MountLegacy(IReadOnlyList<string> lowersTopFirst, string upper, string work, string target)
    {
        var data = new StringBuilder("lowerdir=");
        data.AppendJoin(':', lowersTopFirst.Select(l => l.Replace(":", "\\:", StringComparison.Ordinal)));
        data.Append(",upperdir=").Append(upper).Append(",workdir=").Append(work).Append(",redirect_dir=off,metacopy=off,index=off");
        if (Encoding.UTF8.GetByteCount(data.ToString()) >= 4096)
            throw new BuildException(ErrorCode.SandboxFailed,
                $"overlay options for {lowersTopFirst.Count} layers exceed one page and this kernel lacks lowerdir+ (Linux 6.8+); use a shorter --root");
        if (ExecNative.mount("overlay", target, "overlay", 0, data.ToString()) != 0)
            throw Fail(target, "mount");
    }

    public static void Unmount(string target)
    {
        if (ExecNative.umount2(target, 0) != 0 && ExecNative.LastErrno != 22 /* not mounted */)
            ExecNative.umount2(target, ExecNative.MntDetach);
    }

    private static BuildException Fail(string target, string step) =>
        new(ErrorCode.SandboxFailed, $"cannot mount overlay on {target} ({step}): {ExecNative.LastError()}");
}
