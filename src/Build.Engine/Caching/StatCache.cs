using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Build.Engine.Caching;

/// <summary>
/// A persisted map from a context file's stat data (path, size, mtime, ctime, inode, device) to its SHA-256, so an
/// unchanged context costs one stat per file instead of a read. One file per context root under the directory the
/// caller gives (e.g. <c>&lt;builder root&gt;/statcache/</c>).
/// </summary>
/// <remarks>
/// File format (little-endian): magic <c>BLDSTAT1</c>; u16 length + UTF-8 context root; u32 count; per entry u16 length
/// + UTF-8 path, i64 size, i64 mtime ns, i64 ctime ns, u64 inode, u64 device, 32-byte SHA-256; then a SHA-256 of all
/// preceding bytes. A file that fails any check is discarded (it is only a cache). Saving writes a temporary file in
/// the same directory and renames it over the old one, so a reader sees the old or the new file, never a mix; two
/// builds saving at once both succeed and the last rename wins, which costs at most some re-hashing later.
/// </remarks>
public sealed class StatCache
{
    private static readonly byte[] Magic = "BLDSTAT1"u8.ToArray();
    private const int MaxEntries = 2_000_000;

    private readonly ConcurrentDictionary<string, Entry> _entries;
    private readonly string _file;
    private int _dirty;

    private StatCache(string file, string contextRoot, ConcurrentDictionary<string, Entry> entries, TimeProvider time, TimeSpan racyWindow)
    {
        _file = file;
        ContextRoot = contextRoot;
        _entries = entries;
        Time = time;
        RacyWindow = racyWindow;
    }

    /// <summary>The absolute context root the entries belong to.</summary>
    public string ContextRoot { get; }

    /// <summary>The clock used to decide whether a file is too recently modified to cache.</summary>
    public TimeProvider Time { get; }

    /// <summary>
    /// Files whose mtime or ctime is within this window of the moment hashing started are not cached. Timestamps have a
    /// granularity (kernel clock ticks; one or two seconds on some file systems): a file rewritten right after we read
    /// it, within the same tick and at the same size, would keep all its stat data and the cache would serve stale
    /// content forever. git calls this the racy-clean problem and solves it the same way.
    /// </summary>
    public TimeSpan RacyWindow { get; }

    /// <summary>The number of cached entries.</summary>
    public int Count => _entries.Count;

    /// <summary>Loads (or starts) the cache for <paramref name="contextRoot"/> under <paramref name="directory"/>.</summary>
    /// <summary>
    /// The file that holds the stat cache of <paramref name="contextRoot"/> (one per context path), so a caller
    /// that builds from a throw-away directory (a cache replay's scratch tree) can remove it afterwards.
    /// </summary>
    public static string FileFor(string directory, string contextRoot)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(contextRoot);
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(contextRoot));
        string name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(root)))[..32] + ".bin";
        return Path.Combine(Path.GetFullPath(directory), name);
    }

    public static StatCache Open(string directory, string contextRoot, TimeProvider? time = null, TimeSpan? racyWindow = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(contextRoot);
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(contextRoot));
        string file = FileFor(directory, root);
        var entries = Load(file, root) ?? new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);
        return new StatCache(file, root, entries, time ?? TimeProvider.System, racyWindow ?? TimeSpan.FromSeconds(2));
    }

    /// <summary>The cached SHA-256 of a file when its stat data is unchanged.</summary>
    public bool TryGet(string relativePath, FileStamp stamp, out byte[] sha256)
    {
        if (_entries.TryGetValue(relativePath, out Entry e) && e.Stamp == stamp)
        {
            sha256 = e.Sha256;
            return true;
        }
        sha256 = [];
        return false;
    }

    /// <summary>
    /// Records a file's digest, unless its timestamps are within <see cref="RacyWindow"/> of <paramref name="hashStartedAt"/>
    /// (then a later change could go unnoticed). Returns whether it was stored.
    /// </summary>
    public bool Put(string relativePath, FileStamp stamp, ReadOnlySpan<byte> sha256, DateTimeOffset hashStartedAt)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        long limitNs = (hashStartedAt - RacyWindow).ToUnixTimeMilliseconds() * 1_000_000L;
        if (stamp.MtimeNs >= limitNs || stamp.CtimeNs >= limitNs)
        {
            // A stale entry for the same path would otherwise survive and be compared again; drop it.
            if (_entries.TryRemove(relativePath, out _))
                Interlocked.Exchange(ref _dirty, 1);
            return false;
        }
        if (_entries.Count >= MaxEntries && !_entries.ContainsKey(relativePath))
            return false;
        _entries[relativePath] = new Entry(stamp, sha256.ToArray());
        Interlocked.Exchange(ref _dirty, 1);
        return true;
    }

    /// <summary>Writes the cache if it changed: temporary file, flush to disk, rename.</summary>
    public async Task SaveAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _dirty, 0) == 0)
            return;
        Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
        byte[] data = Serialize();
        string temp = $"{_file}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            await using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                await fs.WriteAsync(data, ct).ConfigureAwait(false);
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, _file, overwrite: true);
        }
        catch
        {
            Interlocked.Exchange(ref _dirty, 1);
            File.Delete(temp);
            throw;
        }
    }

    private byte[] Serialize()
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            WriteString(w, ContextRoot);
            var snapshot = _entries.ToArray();
            w.Write((uint)snapshot.Length);
            foreach (var (path, e) in snapshot)
            {
                WriteString(w, path);
                w.Write(e.Stamp.Size);
                w.Write(e.Stamp.MtimeNs);
                w.Write(e.Stamp.CtimeNs);
                w.Write(e.Stamp.Inode);
                w.Write(e.Stamp.Device);
                w.Write(e.Sha256);
            }
        }
        byte[] body = ms.ToArray();
        byte[] result = new byte[body.Length + 32];
        body.CopyTo(result, 0);
        SHA256.HashData(body, result.AsSpan(body.Length));
        return result;
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ushort)bytes.Length);
        w.Write(bytes);
    }

    // Returns null for a missing, foreign or damaged file: the cache then starts empty and the file is replaced on save.
    private static ConcurrentDictionary<string, Entry>? Load(string file, string root)
    {
        byte[] data;
        try
        {
            data = File.ReadAllBytes(file);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        if (data.Length < Magic.Length + 2 + 4 + 32)
            return null;
        ReadOnlySpan<byte> body = data.AsSpan(0, data.Length - 32);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(data.AsSpan(data.Length - 32)) || !body.StartsWith(Magic))
            return null;
        int pos = Magic.Length;
        if (!TryReadString(body, ref pos, out string storedRoot) || storedRoot != root || pos + 4 > body.Length)
            return null;
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(body[pos..]);
        pos += 4;
        if (count > MaxEntries)
            return null;
        // Sized up front: growing a concurrent dictionary of thousands of entries rehashes it several times.
        var entries = new ConcurrentDictionary<string, Entry>(Environment.ProcessorCount, (int)count + 64, StringComparer.Ordinal);
        for (uint i = 0; i < count; i++)
        {
            if (!TryReadString(body, ref pos, out string path) || pos + 40 + 32 > body.Length)
                return null;
            var stamp = new FileStamp(
                BinaryPrimitives.ReadInt64LittleEndian(body[pos..]),
                BinaryPrimitives.ReadInt64LittleEndian(body[(pos + 8)..]),
                BinaryPrimitives.ReadInt64LittleEndian(body[(pos + 16)..]),
                BinaryPrimitives.ReadUInt64LittleEndian(body[(pos + 24)..]),
                BinaryPrimitives.ReadUInt64LittleEndian(body[(pos + 32)..]));
            pos += 40;
            entries[path] = new Entry(stamp, body.Slice(pos, 32).ToArray());
            pos += 32;
        }
        return pos == body.Length ? entries : null;
    }

    private static bool TryReadString(ReadOnlySpan<byte> body, ref int pos, out string value)
    {
        value = "";
        if (pos + 2 > body.Length)
            return false;
        int len = BinaryPrimitives.ReadUInt16LittleEndian(body[pos..]);
        pos += 2;
        if (pos + len > body.Length)
            return false;
        value = Encoding.UTF8.GetString(body.Slice(pos, len));
        pos += len;
        return true;
    }

    private readonly record struct Entry(FileStamp Stamp, byte[] Sha256);
}
