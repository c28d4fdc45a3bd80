using System.Collections.Concurrent;
using Build.Engine.Content;

namespace Build.Engine.Caching.Remote;

/// <summary>
/// The local cache index first, then the records of the imported caches (in <c>--cache-from</c> order). Writes go
/// to the local index only. A hit on an imported record is copied into the local index once its layer is stored
/// locally (<see cref="PersistImportedAsync"/>), keeping the rule that a record is written only after its blob.
/// </summary>
public sealed class LayeredCacheStore : ICacheStore
{
    private readonly ICacheStore local;
    private readonly IContentStore localContent;
    private readonly Dictionary<CacheKey, CacheRecord> imported = [];
    private readonly ConcurrentDictionary<CacheKey, CacheRecord> used = new();

    /// <param name="localContent">The local content store (not the lazy one): where "stored locally" is checked.</param>
    public LayeredCacheStore(ICacheStore local, IContentStore localContent, IEnumerable<ImportedCache> imports)
    {
        this.local = local;
        this.localContent = localContent;
        foreach (var import in imports)
        {
            foreach (var r in import.Records)
                imported.TryAdd(r.Key, r);
        }
    }

    /// <summary>Imported records that served a hit in this build.</summary>
    public int ImportedHits => used.Count;

    public async Task<CacheRecord?> TryGetAsync(CacheKey key, CancellationToken ct)
    {
        if (await local.TryGetAsync(key, ct).ConfigureAwait(false) is { } record)
            return record;
        if (!imported.TryGetValue(key, out var remote))
            return null;
        used.TryAdd(key, remote);
        return remote;
    }

    public Task PutAsync(CacheRecord record, CancellationToken ct) => local.PutAsync(record, ct);

    public Task TouchAsync(IEnumerable<CacheKey> keys, DateTimeOffset when, CancellationToken ct) => local.TouchAsync(keys, when, ct);

    public async Task<CacheRecord?> FindPreviousAsync(string stepIdentity, CacheKey except, CancellationToken ct)
    {
        if (await local.FindPreviousAsync(stepIdentity, except, ct).ConfigureAwait(false) is { } record)
            return record;
        // A fresh root explains its misses against what the shared cache knew about the step.
        return imported.Values.Where(r => r.StepIdentity == stepIdentity && r.Key != except).MaxBy(r => r.Created);
    }

    public Task<IReadOnlyList<CacheRecord>> ListAsync(CancellationToken ct) => local.ListAsync(ct);

    public Task<int> DeleteAsync(IEnumerable<CacheKey> keys, CancellationToken ct) => local.DeleteAsync(keys, ct);

    /// <summary>Writes the imported records that hit into the local index when their layer (if any) is now stored locally.</summary>
    public async Task<int> PersistImportedAsync(DateTimeOffset now, CancellationToken ct)
    {
        int written = 0;
        foreach (var record in used.Values)
        {
            if (record.Layer is { } layer && !await localContent.ExistsAsync(layer.Digest, ct).ConfigureAwait(false))
                continue;
            await local.PutAsync(record with { LastUsed = now }, ct).ConfigureAwait(false);
            written++;
        }
        return written;
    }
}
