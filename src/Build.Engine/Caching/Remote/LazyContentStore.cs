using System.Collections.Concurrent;
using Build.Engine.Content;
using Build.Engine.Oci;

namespace Build.Engine.Caching.Remote;

/// <summary>
/// The local content store plus the layer blobs of imported caches, fetched on first read. A blob an import
/// names "exists" (so a hit on its record counts), but its bytes cross the network only when something opens
/// it: a later step that misses and needs the layer unpacked, or an exporter. Concurrent reads of one blob
/// share one fetch; everything written goes to the local store.
/// </summary>
public sealed class LazyContentStore : IContentStore
{
    private readonly IContentStore local;
    private readonly IReadOnlyDictionary<Digest, (CachedLayer Layer, CacheLocation Source)> remote;
    private readonly ConcurrentDictionary<Digest, Lazy<Task>> fetches = new();
    private readonly Action<string>? log;
    private int fetched;

    public LazyContentStore(IContentStore local, IEnumerable<ImportedCache> imports, Action<string>? log = null)
    {
        this.local = local;
        this.log = log;
        var map = new Dictionary<Digest, (CachedLayer, CacheLocation)>();
        foreach (var import in imports)
        {
            foreach (var layer in CacheDocument.Layers(import.Records))
                map.TryAdd(layer.Digest, (layer, import.Source));
        }
        remote = map;
    }

    /// <summary>How many layer blobs were fetched from imported caches so far.</summary>
    public int FetchedCount => Volatile.Read(ref fetched);

    public async Task<bool> ExistsAsync(Digest digest, CancellationToken ct) =>
        remote.ContainsKey(digest) || await local.ExistsAsync(digest, ct).ConfigureAwait(false);

    public async Task<Stream> OpenReadAsync(Digest digest, CancellationToken ct)
    {
        await EnsureLocalAsync(digest, ct).ConfigureAwait(false);
        return await local.OpenReadAsync(digest, ct).ConfigureAwait(false);
    }

    public async Task<byte[]> ReadAllAsync(Digest digest, CancellationToken ct)
    {
        await EnsureLocalAsync(digest, ct).ConfigureAwait(false);
        return await local.ReadAllAsync(digest, ct).ConfigureAwait(false);
    }

    public async Task<long> GetSizeAsync(Digest digest, CancellationToken ct)
    {
        if (!await local.ExistsAsync(digest, ct).ConfigureAwait(false) && remote.TryGetValue(digest, out var r))
            return r.Layer.Size;
        return await local.GetSizeAsync(digest, ct).ConfigureAwait(false);
    }

    public Task<StoredBlob> WriteAsync(ReadOnlyMemory<byte> content, Digest? expected, CancellationToken ct) => local.WriteAsync(content, expected, ct);

    public Task<StoredBlob> WriteAsync(Stream content, Digest? expected, long? expectedSize, CancellationToken ct) =>
        local.WriteAsync(content, expected, expectedSize, ct);

    public ContentWriter OpenWriter() => local.OpenWriter();

    public IAsyncEnumerable<Digest> ListAsync(CancellationToken ct) => local.ListAsync(ct);

    public Task<bool> DeleteAsync(Digest digest, CancellationToken ct) => local.DeleteAsync(digest, ct);

    public Task<Digest> RehashAsync(Digest digest, CancellationToken ct) => local.RehashAsync(digest, ct);

    /// <summary>Fetches <paramref name="digest"/> from the cache that named it unless it is stored locally already.</summary>
    public async Task EnsureLocalAsync(Digest digest, CancellationToken ct)
    {
        if (!remote.TryGetValue(digest, out var entry) || await local.ExistsAsync(digest, ct).ConfigureAwait(false))
            return;
        var fetch = fetches.GetOrAdd(digest, _ => new Lazy<Task>(() => FetchAsync(entry.Layer, entry.Source, ct)));
        try
        {
            await fetch.Value.ConfigureAwait(false);
        }
        catch
        {
            // A failed fetch (network, cancellation) may be tried again by the next reader.
            fetches.TryRemove(KeyValuePair.Create(digest, fetch));
            throw;
        }
    }

    private async Task FetchAsync(CachedLayer layer, CacheLocation source, CancellationToken ct)
    {
        log?.Invoke($"fetching layer {layer.Digest} ({layer.Size} bytes) from cache {source.Description}");
        await source.FetchLayerAsync(layer, local, ct).ConfigureAwait(false);
        Interlocked.Increment(ref fetched);
    }
}
