namespace Build.Engine.Caching;

/// <summary>
/// The cache index: key → record. Records are written only after the blobs they name are in the content
/// store, so a record that exists can always be served (or, if its blob was pruned, is treated as a miss).
/// </summary>
public interface ICacheStore
{
    /// <summary>
    /// The record for <paramref name="key"/>, or null on a miss. Its <see cref="CacheRecord.Files"/> is not loaded
    /// (a hit does not need it; <see cref="FindPreviousAsync"/> returns it for explanations).
    /// </summary>
    Task<CacheRecord?> TryGetAsync(CacheKey key, CancellationToken ct);

    /// <summary>Stores a record (an existing record with the same key is kept; keys are content addresses).</summary>
    Task PutAsync(CacheRecord record, CancellationToken ct);

    /// <summary>Marks records as used now (for least-recently-used pruning).</summary>
    Task TouchAsync(IEnumerable<CacheKey> keys, DateTimeOffset when, CancellationToken ct);

    /// <summary>The most recent record for the same step whose key differs from <paramref name="except"/>: the baseline a miss is explained against.</summary>
    Task<CacheRecord?> FindPreviousAsync(string stepIdentity, CacheKey except, CancellationToken ct);

    /// <summary>All records, least recently used first.</summary>
    Task<IReadOnlyList<CacheRecord>> ListAsync(CancellationToken ct);

    /// <summary>Deletes records; returns how many existed.</summary>
    Task<int> DeleteAsync(IEnumerable<CacheKey> keys, CancellationToken ct);
}
