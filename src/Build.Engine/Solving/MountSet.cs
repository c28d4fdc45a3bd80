using Build.Engine.Errors;
using Build.Engine.Execution;
using Build.Engine.Graph;
using Build.Engine.Snapshots;
using ExecBind = Build.Engine.Execution.BindMount;

namespace Build.Engine.Solving;

/// <summary>
/// Everything a RUN's mounts hold while it runs: rootfs views of other images, cache-mount locks, secret files on
/// tmpfs, inline files. Disposing releases all of it, whether the step succeeded or not.
/// </summary>
internal sealed partial class MountSet : IAsyncDisposable
{
    private readonly List<RootfsSnapshot> views = [];
    private readonly List<FileStream> locks = [];
    private readonly List<string> tempPaths = [];

    public async Task<string> MountImageAsync(SnapshotStore snapshots, IReadOnlyList<string> lowers, CancellationToken ct)
    {
        var view = await snapshots.PrepareRootfsAsync(lowers, ct).ConfigureAwait(false);
        views.Add(view);
        return view.Path;
    }

    /// <summary>
    /// A persistent cache directory keyed by the mount's id. <c>shared</c>: used as is by concurrent steps;
    /// <c>locked</c>: waits for the other user; <c>private</c>: a fresh directory when another step holds it.
    /// </summary>
    public async Task<ExecMount> CacheAsync(CacheMount c, string root, CancellationToken ct, Func<CacheMount, string, CancellationToken, Task> seed)
    {
        Directory.CreateDirectory(root);
        string name = ExecStepRunner.CacheDirectoryName(c.Id);
        string dir = Path.Combine(root, name);
        string lockPath = dir + ".lock";
        if (!Directory.Exists(dir))
        {
            // Creation is serialized so two builds never seed the same directory at once.
            await using var creating = await LockAsync(dir + ".create", wait: true, ct).ConfigureAwait(false);
            if (!Directory.Exists(dir))
            {
                string tmp = dir + ".tmp-" + Guid.NewGuid().ToString("N");
                Directory.CreateDirectory(tmp);
                await seed(c, tmp, ct).ConfigureAwait(false);
                Chmod(tmp, c.Mode);
                if (c.Uid != 0 || c.Gid != 0)
                    Chown(tmp, c.Uid, c.Gid);
                Directory.Move(tmp, dir);
            }
        }
        switch (c.Sharing)
        {
            case CacheSharing.Locked:
                locks.Add((await LockAsync(lockPath, wait: true, ct).ConfigureAwait(false))!);
                break;
            case CacheSharing.Private:
                var held = await LockAsync(lockPath, wait: false, ct).ConfigureAwait(false);
                if (held is null)
                {
                    string fresh = Path.Combine(root, "private-" + Guid.NewGuid().ToString("N"));
                    Directory.CreateDirectory(fresh);
                    Chmod(fresh, c.Mode);
                    if (c.Uid != 0 || c.Gid != 0)
                        Chown(fresh, c.Uid, c.Gid);
                    tempPaths.Add(fresh);
                    dir = fresh;
                }
                else
                {
                    locks.Add(held);
                }
                break;
        }
        return new ExecBind(dir, c.Target, c.ReadOnly);
    }

    /// <summary>The secret's bytes in a file on tmpfs (never on disk, never in a layer), deleted after the step.</summary>
    public string SecretFile(SecretMount s, byte[] value)
    {
        string dir = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        string path = Path.Combine(dir, "builder-secret-" + Guid.NewGuid().ToString("N"));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // never readable by others, not even for a moment
        using (var f = new FileStream(path, options))
            f.Write(value);
        tempPaths.Add(path);
        Chmod(path, s.Mode);
        if (s.Uid != 0 || s.Gid != 0)
            Chown(path, s.Uid, s.Gid);
        return path;
    }

    public string InlineFiles(InlineFileMount m, string tempRoot)
    {
        string dir = Path.Combine(tempRoot, "inline-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        tempPaths.Add(dir);
        foreach (var f in m.Files)
        {
            string path = Path.Combine(dir, Path.GetFileName(f.Name));
            File.WriteAllText(path, f.Content);
            Chmod(path, f.Mode);
        }
        return dir;
    }

    private static async Task<FileStream?> LockAsync(string path, bool wait, CancellationToken ct)
    {
        // .NET takes an advisory flock(LOCK_EX) for FileShare.None on Unix; it fails at once when held, so wait by polling.
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (wait)
            {
                await Task.Delay(50, ct).ConfigureAwait(false);
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    internal static void Chmod(string path, int mode)
    {
        if (Native.Chmod(path, (uint)(mode & 0xFFF)) != 0)
            throw new BuildException(ErrorCode.Io, $"cannot chmod {path} to {Convert.ToString(mode & 0xFFF, 8)}");
    }

    private static void Chown(string path, int uid, int gid)
    {
        if (Native.Lchown(path, uid, gid) != 0)
            throw new BuildException(ErrorCode.Io, $"cannot chown {path} to {uid}:{gid}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var v in views)
            await v.DisposeAsync().ConfigureAwait(false);
        foreach (var l in locks)
            await l.DisposeAsync().ConfigureAwait(false);
        foreach (var p in tempPaths)
        {
            try
            {
                if (Directory.Exists(p))
                    Directory.Delete(p, recursive: true);
                else
                    File.Delete(p);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static partial class Native
    {
        [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "lchown", StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8, SetLastError = true)]
        public static partial int Lchown(string path, int uid, int gid);

        [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "chmod", StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8, SetLastError = true)]
        public static partial int Chmod(string path, uint mode);
    }
}
