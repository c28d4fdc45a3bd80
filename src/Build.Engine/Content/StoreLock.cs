using Build.Engine.Errors;

namespace Build.Engine.Content;

/// <summary>
/// The store's garbage-collection lock, <c>&lt;root&gt;/locks/gc.lock</c>: an flock(2) taken shared by an
/// operation that makes a blob or unpacked layer reachable (touch it, check it is there, rename a new one
/// into place) and exclusive by the garbage collector while it decides and deletes. The two never
/// interleave, so something a build found present stays present. The kernel drops the lock when its
/// holder dies, so a <c>kill -9</c> never leaves the store locked. Shared holds are short (microseconds);
/// the collector's exclusive hold lasts one sweep.
/// </summary>
public sealed class StoreLock
{
    private readonly string _path;

    public StoreLock(BuilderRoot root)
    {
        ArgumentNullException.ThrowIfNull(root);
        _path = System.IO.Path.Combine(root.Path, "locks", "gc.lock");
    }

    /// <summary>Takes the lock shared; dispose to release.</summary>
    public Task<IDisposable> SharedAsync(CancellationToken ct) => AcquireAsync(exclusive: false, TimeSpan.FromMilliseconds(2), ct);

    /// <summary>Takes the lock exclusively (waits for every shared holder to leave); dispose to release.</summary>
    public Task<IDisposable> ExclusiveAsync(CancellationToken ct) => AcquireAsync(exclusive: true, TimeSpan.FromMilliseconds(20), ct);

    private async Task<IDisposable> AcquireAsync(bool exclusive, TimeSpan poll, CancellationToken ct)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(_path)!);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                // .NET takes flock(LOCK_EX|LOCK_NB) for FileShare.None and flock(LOCK_SH|LOCK_NB) for a
                // read-only open that shares; a conflicting holder makes the open throw IOException.
                return exclusive
                    ? new FileStream(_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1)
                    : new FileStream(_path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite, 1);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new BuildException(ErrorCode.InvalidArgument, $"cannot open the store lock {_path}: {e.Message}", e);
            }
            catch (IOException)
            {
                await Task.Delay(poll, ct).ConfigureAwait(false);
            }
        }
    }
}
