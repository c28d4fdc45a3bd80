using Build.Engine.Content;
using Build.Engine.Errors;
using Build.Engine.Oci;
using Build.Engine.Registry;

namespace Build.Engine.Caching.Remote;

/// <summary>
/// <c>--cache-from</c> and <c>--cache-to</c>: reads shared caches before a build (records only; layers stay
/// remote until needed, see <see cref="LazyContentStore"/>) and merges the build's records into a shared cache
/// after it.
/// </summary>
public static class RemoteCache
{
    public static CacheLocation Locate(RemoteCacheSpec spec, Func<RegistryClient> registry) => spec.Type switch
    {
        RemoteCacheType.Registry => new RegistryCacheLocation(registry(), ImageReference.Parse(spec.Location)),
        _ => new LayoutCacheLocation(spec.Location, spec.Tag),
    };

    /// <summary>
    /// Reads every <c>--cache-from</c>. A cache that is missing or unreadable is reported through
    /// <paramref name="warn"/> and skipped, as BuildKit does: the build still runs, only without those hits.
    /// </summary>
    public static async Task<IReadOnlyList<ImportedCache>> ImportAsync(
        IEnumerable<RemoteCacheSpec> specs, Func<RegistryClient> registry, Action<string> warn, CancellationToken ct)
    {
        var imports = new List<ImportedCache>();
        foreach (var spec in specs)
        {
            CacheLocation location;
            CacheSnapshot? snapshot;
            try
            {
                location = Locate(spec, registry);
                snapshot = await location.ReadAsync(ct).ConfigureAwait(false);
            }
            catch (BuildException e) when (!ct.IsCancellationRequested)
            {
                warn($"cache import from {spec} failed, building without it: {e.Message}");
                continue;
            }
            if (snapshot is null)
            {
                warn($"no cache found at {spec}; building without it");
                continue;
            }
            if (snapshot.Rejected > 0)
                warn($"cache {location.Description}: ignored {snapshot.Rejected} invalid record(s) (key does not match preimage, or malformed)");
            imports.Add(new ImportedCache(location, snapshot.Records));
        }
        return imports;
    }

    /// <summary>
    /// Merges <paramref name="records"/> into the cache at <paramref name="spec"/>: reads what is there, keeps the
    /// union (a key already there keeps its record), and writes layers, config and manifest. Returns the manifest
    /// digest and the number of records, or null when nothing changed (nothing is written then).
    /// </summary>
    public static async Task<(Digest Manifest, int Records)?> ExportAsync(
        RemoteCacheSpec spec, IReadOnlyCollection<CacheRecord> records, IContentStore content, Func<RegistryClient> registry, CancellationToken ct)
    {
        var location = Locate(spec, registry);
        CacheSnapshot? existing;
        try
        {
            existing = await location.ReadAsync(ct).ConfigureAwait(false);
        }
        catch (BuildException e) when (e.Code == ErrorCode.InvalidImage)
        {
            // Never overwrite an image or someone else's artifact with a cache.
            throw new BuildException(ErrorCode.InvalidArgument, $"--cache-to {spec}: refusing to overwrite: {e.Message}", e);
        }
        var merged = CacheDocument.Merge(existing?.Records ?? [], records);
        if (existing is not null && merged.Count == existing.Records.Count)
            return null;
        var digest = await location.WriteAsync(merged, content, ct).ConfigureAwait(false);
        return (digest, merged.Count);
    }
}
