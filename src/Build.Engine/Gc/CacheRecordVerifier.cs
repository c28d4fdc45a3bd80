using Build.Engine.Caching;
using Build.Engine.Content;

namespace Build.Engine.Gc;

/// <summary>
/// The cache half of <c>builder verify</c>: the SQLite index passes <c>PRAGMA integrity_check</c>, and every record's
/// layer blob is in the content store with the recorded size (records are written only after their blobs, and
/// prune deletes records before blobs, so a record without its blob is a bug, not a crash artefact).
/// </summary>
public static class CacheRecordVerifier
{
    /// <summary>One line per problem, and how many records were checked.</summary>
    public static async Task<(IReadOnlyList<string> Problems, int Records)> VerifyAsync(BuilderRoot root, IContentStore content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        var areas = new StoreAreas(root);
        if (!File.Exists(areas.CacheIndex))
            return ([], 0);
        using var cache = SqliteCacheStore.Open(areas.CacheDirectory);
        var problems = new List<string>(await cache.CheckIntegrityAsync(ct).ConfigureAwait(false));
        var records = await cache.ListAsync(ct).ConfigureAwait(false);
        foreach (var r in records)
        {
            if (r.Layer is not { } layer)
                continue;
            string who = $"cache record {r.Key} ({r.StepIdentity})";
            if (!await content.ExistsAsync(layer.Digest, ct).ConfigureAwait(false))
            {
                problems.Add($"{who}: layer blob {layer.Digest} is missing");
                continue;
            }
            long size = await content.GetSizeAsync(layer.Digest, ct).ConfigureAwait(false);
            if (size != layer.Size)
                problems.Add($"{who}: layer blob {layer.Digest} is {size} bytes, the record says {layer.Size}");
        }
        return (problems, records.Count);
    }
}
