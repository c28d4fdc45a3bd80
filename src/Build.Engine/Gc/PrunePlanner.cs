using Build.Engine.Caching;
using Build.Engine.Oci;

namespace Build.Engine.Gc;

/// <summary>Which cache records a prune deletes: a pure function of the records, the image-referenced blobs, the options and the time.</summary>
public static class PrunePlanner
{
    /// <summary>Least recently used first (then oldest, then by key, so the order is total).</summary>
    public static IEnumerable<CacheRecord> LeastRecentlyUsedFirst(IEnumerable<CacheRecord> records) =>
        records.OrderBy(r => r.LastUsed).ThenBy(r => r.Created).ThenBy(r => r.Key.ToString(), StringComparer.Ordinal);

    /// <summary>
    /// The records to delete, least recently used first. Candidates: without <see cref="PruneOptions.All"/> the
    /// records whose layer no stored image uses (docker's "dangling" build cache; a step that produced no
    /// layer counts as unused); with it, all. <see cref="PruneOptions.Until"/> spares records used more recently than
    /// that. <see cref="PruneOptions.KeepStorage"/> stops as soon as the cache's own bytes (distinct layer blobs of records
    /// that no image uses) fit the budget.
    /// </summary>
    public static IReadOnlyList<CacheRecord> Select(IReadOnlyList<CacheRecord> records, IReadOnlySet<Digest> imageBlobs, PruneOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(imageBlobs);
        ArgumentNullException.ThrowIfNull(options);
        var candidates = LeastRecentlyUsedFirst(records)
            .Where(r => options.All || r.Layer is null || !imageBlobs.Contains(r.Layer.Digest));
        if (options.Until is { } until)
            candidates = candidates.Where(r => r.LastUsed < now - until);
        if (options.KeepStorage is not { } keep)
            return [.. candidates];

        // The bytes the cache holds on its own: each distinct layer blob of a record, unless an image keeps it anyway.
        var users = new Dictionary<Digest, int>();
        long size = 0;
        foreach (var r in records)
        {
            if (r.Layer is not { } l || imageBlobs.Contains(l.Digest))
                continue;
            if (users.TryGetValue(l.Digest, out int n))
            {
                users[l.Digest] = n + 1;
            }
            else
            {
                users[l.Digest] = 1;
                size += l.Size;
            }
        }
        var selected = new List<CacheRecord>();
        foreach (var r in candidates)
        {
            if (size <= keep)
                break;
            selected.Add(r);
            if (r.Layer is { } l && users.TryGetValue(l.Digest, out int n))
            {
                users[l.Digest] = n - 1;
                if (n == 1)
                    size -= l.Size;
            }
        }
        return selected;
    }
}
