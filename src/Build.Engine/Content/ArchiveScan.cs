using System.Formats.Tar;
using System.IO.Compression;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Content;

/// <summary>
/// One pass over an untrusted image archive (oci-archive or docker-archive, optionally gzip'd):
/// <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c> entries go straight into the content store, verified against
/// their names; other large files (legacy <c>&lt;id&gt;/layer.tar</c>) are stored as gzip layers with
/// their diff-ids; small files (index.json, manifest.json, configs) are kept in memory; links are
/// recorded as aliases and resolved only inside the archive. Nothing is written to disk by path,
/// so no entry name can reach outside the store.
/// </summary>
internal sealed class ArchiveScan
{
    private const long SmallFileLimit = 8 << 20;
    private const long SmallTotalLimit = 512L << 20;

    private readonly string _archive;
    private readonly Dictionary<string, byte[]> _small = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Digest> _blobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LayerIngest.Result> _layers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _links = new(StringComparer.Ordinal);

    private ArchiveScan(string archive) => _archive = archive;

    /// <summary>Blobs this scan added to the store (they were not there before).</summary>
    public HashSet<Digest> NewBlobs { get; } = [];

    public IReadOnlyDictionary<string, Digest> Blobs => _blobs;

    public static async Task<ArchiveScan> ScanAsync(string archive, IContentStore content, CancellationToken ct)
    {
        var scan = new ArchiveScan(archive);
        await using var file = new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        byte[] magic = new byte[4];
        int m = await file.ReadAtLeastAsync(magic, 4, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        file.Position = 0;
        Stream tar = m >= 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true)
            : m == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd ? LayerMediaTypes.OpenDecompressed(file, MediaTypes.OciLayerZstd)
            : file;
        try
        {
            await scan.ReadAsync(tar, content, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new BuildException(ErrorCode.InvalidArchive, $"{archive}: not a valid tar archive: {e.Message}", e);
        }
        finally
        {
            if (!ReferenceEquals(tar, file))
                await tar.DisposeAsync().ConfigureAwait(false);
        }
        return scan;
    }

    private async Task ReadAsync(Stream tar, IContentStore content, CancellationToken ct)
    {
        using var reader = new TarReader(tar, leaveOpen: true);
        long smallTotal = 0;
        int entries = 0;
        while (await reader.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false) is { } entry)
        {
            entries++;
            string name = Normalize(entry.Name, entry.Name);
            switch (entry.EntryType)
            {
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    if (IsBlobPath(name, out var digest))
                    {
                        bool existed = await content.ExistsAsync(digest, ct).ConfigureAwait(false);
                        await Wrap(name, () => content.WriteAsync(entry.DataStream ?? Stream.Null, digest, entry.Length, ct)).ConfigureAwait(false);
                        if (!existed)
                            NewBlobs.Add(digest);
                        _blobs[name] = digest;
                    }
                    else if (entry.Length <= SmallFileLimit)
                    {
                        smallTotal += entry.Length;
                        if (smallTotal > SmallTotalLimit)
                            throw new BuildException(ErrorCode.InvalidArchive, $"{_archive}: more than {SmallTotalLimit >> 20} MiB of small files; not an image archive");
                        var ms = new MemoryStream((int)entry.Length);
                        if (entry.DataStream is not null)
                            await entry.DataStream.CopyToAsync(ms, ct).ConfigureAwait(false);
                        _small[name] = ms.ToArray();
                    }
                    else
                    {
                        _layers[name] = await LayerIngest.StoreAsync(content, entry.DataStream ?? Stream.Null, ct).ConfigureAwait(false);
                    }
                    break;
                case TarEntryType.SymbolicLink:
                    // Relative to the link's directory; absolute targets mean nothing inside an archive.
                    if (entry.LinkName.StartsWith('/'))
                        throw new BuildException(ErrorCode.UnsafePath, $"{_archive}: entry \"{entry.Name}\" is a symlink to absolute path \"{entry.LinkName}\"");
                    _links[name] = Normalize(Parent(name) + entry.LinkName, entry.Name);
                    break;
                case TarEntryType.HardLink:
                    _links[name] = Normalize(entry.LinkName, entry.Name);
                    break;
                default:
                    break; // directories and anything else carry nothing an image needs
            }
        }
        if (entries == 0)
            throw new BuildException(ErrorCode.InvalidArchive, $"{_archive}: empty or not a tar archive");
    }

    private async Task<T> Wrap<T>(string entry, Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (BuildException e) when (e.Code == ErrorCode.DigestMismatch)
        {
            throw new BuildException(ErrorCode.DigestMismatch, $"{_archive}: {entry}: {e.Message}", e);
        }
    }

    private static string Parent(string path) => path.LastIndexOf('/') is var i and >= 0 ? path[..(i + 1)] : "";

    /// <summary>Resolves "./a/../b" to "b"; a path that climbs above the archive root is refused.</summary>
    private string Normalize(string path, string entryName)
    {
        if (path.StartsWith('/'))
            throw new BuildException(ErrorCode.UnsafePath, $"{_archive}: entry \"{entryName}\" has an absolute path");
        var parts = new List<string>();
        foreach (string p in path.Split('/'))
        {
            if (p.Length == 0 || p == ".")
                continue;
            if (p == "..")
            {
                if (parts.Count == 0)
                    throw new BuildException(ErrorCode.UnsafePath, $"{_archive}: entry \"{entryName}\" points outside the archive");
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(p);
        }
        return string.Join('/', parts);
    }

    private static bool IsBlobPath(string name, out Digest digest)
    {
        digest = default;
        string[] parts = name.Split('/');
        return parts.Length == 3 && parts[0] == "blobs" && Digest.TryParse(parts[1] + ":" + parts[2], out digest);
    }

    /// <summary>Follows links (at most 16, against loops) to the entry that holds the data.</summary>
    public string Resolve(string path)
    {
        string p = Normalize(path, path);
        for (int i = 0; i < 16 && _links.TryGetValue(p, out var target); i++)
            p = target;
        return p;
    }

    public bool Has(string path) => _small.ContainsKey(Resolve(path)) || _blobs.ContainsKey(Resolve(path)) || _layers.ContainsKey(Resolve(path));

    /// <summary>A small file's bytes, or a stored blob's; throws naming the archive and path when absent.</summary>
    public async Task<byte[]> ReadFileAsync(string path, IContentStore content, CancellationToken ct)
    {
        string p = Resolve(path);
        if (_small.TryGetValue(p, out var bytes))
            return bytes;
        if (_blobs.TryGetValue(p, out var digest))
            return await content.ReadAllAsync(digest, ct).ConfigureAwait(false);
        throw new BuildException(ErrorCode.InvalidArchive, $"{_archive}: \"{path}\" is missing or too large");
    }

    /// <summary>The file at <paramref name="path"/> as a gzip layer in the store, compressing it now if the scan did not.</summary>
    public async Task<LayerIngest.Result> LayerAsync(string path, IContentStore content, CancellationToken ct)
    {
        string p = Resolve(path);
        if (_layers.TryGetValue(p, out var stored))
            return stored;
        LayerIngest.Result result;
        if (_small.TryGetValue(p, out var bytes))
        {
            result = await LayerIngest.StoreAsync(content, new MemoryStream(bytes, writable: false), ct).ConfigureAwait(false);
        }
        else if (_blobs.TryGetValue(p, out var digest))
        {
            await using var s = await content.OpenReadAsync(digest, ct).ConfigureAwait(false);
            result = await LayerIngest.StoreAsync(content, s, ct).ConfigureAwait(false);
        }
        else
        {
            throw new BuildException(ErrorCode.InvalidArchive, $"{_archive}: layer \"{path}\" is missing");
        }
        _layers[p] = result;
        return result;
    }
}
