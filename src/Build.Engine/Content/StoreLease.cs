using System.Globalization;

namespace Build.Engine.Content;

/// <summary>
/// A running operation's claim on the store (a build, a load, a pull): the file
/// <c>&lt;root&gt;/leases/&lt;start ms&gt;-&lt;pid&gt;-&lt;id&gt;</c>, held with an exclusive flock for the lease's lifetime.
/// </summary>
/// <remarks>
/// The garbage collector keeps everything a live lease may use: anything whose mtime is at or after the
/// oldest live lease's start (every blob, temp file and snapshot directory the operation creates), and
/// anything the operation <em>reuses</em>, because reuse goes through <see cref="TouchAsync"/>, which sets
/// the mtime to now under the shared <see cref="StoreLock"/>. A lease whose flock can be taken belongs to
/// a dead process (killed, crashed); the collector deletes it and ignores it. The start time is in the
/// file name because a live lease's file cannot be opened by others (.NET maps sharing to flock).
/// </remarks>
public sealed class StoreLease : IDisposable
{
    private readonly FileStream _file;
    private readonly string _path;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _claimed = new(StringComparer.Ordinal);

    private StoreLease(FileStream file, string path, StoreLock storeLock, DateTimeOffset started)
    {
        _file = file;
        _path = path;
        Lock = storeLock;
        Started = started;
    }

    /// <summary>When the lease was taken (the wall clock, like file mtimes).</summary>
    public DateTimeOffset Started { get; }

    public StoreLock Lock { get; }

    public static string LeasesDirectory(BuilderRoot root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return Path.Combine(root.Path, "leases");
    }

    /// <summary>
    /// Takes a lease. It is created under the shared store lock, so a collector that holds the exclusive
    /// lock and sees no live lease knows that no operation can start using the store until it is done.
    /// </summary>
    public static async Task<StoreLease> AcquireAsync(BuilderRoot root, CancellationToken ct)
    {
        var storeLock = new StoreLock(root);
        string dir = LeasesDirectory(root);
        Directory.CreateDirectory(dir);
        using (await storeLock.SharedAsync(ct).ConfigureAwait(false))
        {
            var started = DateTimeOffset.UtcNow;
            string name = string.Create(CultureInfo.InvariantCulture,
                $"{started.ToUnixTimeMilliseconds()}-{Environment.ProcessId}-{Guid.NewGuid():N}");
            string path = Path.Combine(dir, name);
            var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1);
            return new StoreLease(file, path, storeLock, started);
        }
    }

    /// <summary>
    /// Marks a blob or directory as used now (mtime := now) under the shared store lock and says whether it
    /// exists. After true, the collector keeps it for as long as this lease lives; after false, it is gone
    /// and must be produced again.
    /// </summary>
    public async Task<bool> TouchAsync(string path, CancellationToken ct)
    {
        // Once claimed under this lease, a path stays kept for the lease's life (its mtime is after the lease's start
        // and only ever moves forward), so a second claim needs no lock and no write.
        if (_claimed.ContainsKey(path))
            return File.Exists(path) || Directory.Exists(path);
        bool exists;
        using (await Lock.SharedAsync(ct).ConfigureAwait(false))
            exists = Touch(path);
        if (exists)
            _claimed.TryAdd(path, 0);
        return exists;
    }

    /// <summary>Runs <paramref name="action"/> under the shared store lock (e.g. rename a new blob into place, then touch it).</summary>
    public async Task<T> GuardAsync<T>(Func<T> action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(action);
        using (await Lock.SharedAsync(ct).ConfigureAwait(false))
            return action();
    }

    /// <summary>Sets the mtime of a file or directory to now; false when it does not exist. Call under the shared lock.</summary>
    public static bool Touch(string path)
    {
        try
        {
            var now = DateTime.UtcNow;
            if (File.Exists(path))
            {
                File.SetLastWriteTimeUtc(path, now);
                return true;
            }
            if (Directory.Exists(path))
            {
                Directory.SetLastWriteTimeUtc(path, now);
                return true;
            }
            return false;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// The start times of the live leases under <paramref name="root"/>; dead ones (their flock is free) are
    /// deleted on the way. Call with the exclusive store lock held.
    /// </summary>
    public static IReadOnlyList<DateTimeOffset> ReadLive(BuilderRoot root)
    {
        var live = new List<DateTimeOffset>();
        string dir = LeasesDirectory(root);
        if (!Directory.Exists(dir))
            return live;
        foreach (string path in Directory.EnumerateFiles(dir))
        {
            string name = Path.GetFileName(path);
            int dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !long.TryParse(name.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out long ms))
                continue;
            try
            {
                using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1))
                    File.Delete(path); // nobody holds it: its process is gone
            }
            catch (FileNotFoundException)
            {
                // released and removed meanwhile
            }
            catch (IOException)
            {
                live.Add(DateTimeOffset.FromUnixTimeMilliseconds(ms));
            }
        }
        return live;
    }

    /// <summary>How many leases are held by running processes (read-only: dead ones are left for the collector).</summary>
    public static int CountLive(BuilderRoot root)
    {
        string dir = LeasesDirectory(root);
        if (!Directory.Exists(dir))
            return 0;
        int live = 0;
        foreach (string path in Directory.EnumerateFiles(dir))
        {
            try
            {
                using (new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None, 1))
                {
                }
            }
            catch (FileNotFoundException)
            {
            }
            catch (IOException)
            {
                live++;
            }
        }
        return live;
    }

    public void Dispose()
    {
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
            // The collector treats an unlocked lease as dead and removes it.
        }
        _file.Dispose();
    }
}
