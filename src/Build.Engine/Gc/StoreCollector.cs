using Build.Engine.Caching;
using Build.Engine.Content;
using Build.Engine.Oci;

namespace Build.Engine.Gc;

/// <summary>
/// <c>builder prune</c>: deletes cache records (<see cref="PrunePlanner"/>), then collects every blob, unpacked layer
/// and scratch directory that nothing keeps. Safe beside running builds: the whole sweep holds the exclusive
/// <see cref="StoreLock"/>, and what a live <see cref="StoreLease"/> created or reused is kept (docs/oci-and-store.md).
/// </summary>
public sealed class StoreCollector
{
    /// <summary>Clock slack between file mtimes (kernel) and lease start times (process).</summary>
    internal static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);

    private readonly BuilderRoot _root;
    private readonly TimeProvider _time;

    public StoreCollector(BuilderRoot root, TimeProvider time)
    {
        _root = root;
        _time = time;
    }

    internal StoreAreas Areas => new(_root);

    public async Task<PruneResult> PruneAsync(PruneOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var exclusive = await new StoreLock(_root).ExclusiveAsync(ct).ConfigureAwait(false);
        // From here until the end, no build can make anything reachable: every such step takes the lock shared.
        var started = DateTimeOffset.UtcNow;
        var live = StoreLease.ReadLive(_root);
        // With no live lease nothing can be running (a new operation needs the lock held here): everything unreferenced
        // is garbage, however new. Otherwise what is older than the oldest live operation (less clock slack) is.
        var cutoff = live.Count == 0 ? started : (live.Min() < started ? live.Min() : started) - Slack;

        var content = new FileContentStore(_root);
        var images = new ImageStore(_root, content, _time);
        var refs = await ImageReferences.CollectAsync(images, content, ct).ConfigureAwait(false);

        IReadOnlyList<CacheRecord> deleted = [];
        var keepBlobs = new HashSet<Digest>(refs.Blobs);
        var keepDiffIds = new HashSet<Digest>(refs.DiffIds);
        var diffIdOf = new Dictionary<Digest, Digest>();
        var areas = Areas;
        if (File.Exists(areas.CacheIndex))
        {
            using var cache = SqliteCacheStore.Open(areas.CacheDirectory);
            var records = await cache.ListAsync(ct).ConfigureAwait(false);
            deleted = PrunePlanner.Select(records, refs.Blobs, options, _time.GetUtcNow());
            await cache.DeleteAsync(deleted.Select(r => r.Key), ct).ConfigureAwait(false);
            foreach (var r in records)
                if (r.Layer is { } l)
                    diffIdOf[l.Digest] = l.DiffId;
            foreach (var r in await cache.ListAsync(ct).ConfigureAwait(false))
            {
                if (r.Layer is { } l)
                {
                    keepBlobs.Add(l.Digest);
                    keepDiffIds.Add(l.DiffId);
                }
            }
        }

        var failed = new List<string>();
        var blobs = ReclaimedItems.None;
        var scratch = ReclaimedItems.None;
        var layers = ReclaimedItems.None;
        bool Stale(string path) => StoreFiles.ModifiedUtc(path) is { } m && (live.Count == 0 || m < cutoff.UtcDateTime);
        void Remove(string path, ref ReclaimedItems into)
        {
            long freed = StoreFiles.Delete(path);
            if (freed < 0)
                failed.Add(path);
            else
                into = into.Add(freed);
        }

        // Blobs: referenced by an image or a kept record, or claimed by a live operation (mtime at or after the cutoff), stay.
        foreach (string file in Enumerate(areas.Sha256Blobs, directories: false))
        {
            ct.ThrowIfCancellationRequested();
            string name = Path.GetFileName(file);
            if (name.StartsWith(".tmp-", StringComparison.Ordinal))
            {
                if (Stale(file))
                    Remove(file, ref scratch);
                continue;
            }
            if (!Digest.TryParse("sha256:" + name, out var digest) || keepBlobs.Contains(digest))
                continue;
            if (!Stale(file))
            {
                if (diffIdOf.TryGetValue(digest, out var diffId))
                    keepDiffIds.Add(diffId); // in use by a running build: its unpacked form stays too
                continue;
            }
            Remove(file, ref blobs);
        }

        // Unpacked layers: kept while a kept blob has that diff-id, or a live build touched them.
        foreach (string dir in Enumerate(areas.UnpackedLayers, directories: true))
        {
            string name = Path.GetFileName(dir);
            bool isLayer = Digest.TryParse("sha256:" + name, out var diffId);
            if ((isLayer && keepDiffIds.Contains(diffId)) || !Stale(dir))
                continue;
            if (isLayer)
                Remove(dir, ref layers);
            else if (name.StartsWith(".tmp-", StringComparison.Ordinal))
                Remove(dir, ref scratch);
        }

        // Scratch of operations that are gone: build temp dirs, RUN work dirs (and overlays a killed build left
        // mounted), sandbox state, half-renamed cache mounts and image entries.
        foreach (string path in areas.ScratchEntries())
        {
            ct.ThrowIfCancellationRequested();
            if (Stale(path))
                Remove(path, ref scratch);
        }

        if (live.Count == 0)
        {
            // No operation can be running (a new one needs the lock we hold): lock files go, and with --all the cache mounts.
            foreach (string file in Enumerate(areas.UnpackedLayers, directories: false).Where(f => f.EndsWith(".lock", StringComparison.Ordinal)))
                Remove(file, ref scratch);
            if (options.All)
            {
                foreach (string path in Enumerate(areas.CacheMounts, directories: true).Concat(Enumerate(areas.CacheMounts, directories: false)))
                    Remove(path, ref scratch);
            }
        }
        return new PruneResult(deleted, blobs, layers, scratch, live.Count, failed);
    }

    internal static IEnumerable<string> Enumerate(string dir, bool directories)
    {
        if (!Directory.Exists(dir))
            return [];
        var list = directories ? Directory.GetDirectories(dir) : Directory.GetFiles(dir);
        Array.Sort(list, StringComparer.Ordinal);
        return list;
    }
}

/// <summary>The directories under a builder root that the collector and <c>builder du</c> look at (the layout BuildService uses).</summary>
internal sealed record StoreAreas(BuilderRoot Root)
{
    public string Sha256Blobs => Path.Combine(Root.BlobsDirectory, "sha256");

    public string CacheDirectory => Path.Combine(Root.Path, "cache");

    public string CacheIndex => Path.Combine(CacheDirectory, "index.db");

    public string UnpackedLayers => Path.Combine(Root.Path, "snapshots", "layers");

    public string RunWorkDirs => Path.Combine(Root.Path, "snapshots", "w");

    public string Sandbox => Path.Combine(Root.Path, "sandbox");

    public string CacheMounts => Path.Combine(Root.Path, "cache-mounts");

    /// <summary>Candidates for removal once stale: everything in tmp/, snapshots/w/, sandbox/, and the .tmp-* leftovers of images/ and cache-mounts/.</summary>
    public IEnumerable<string> ScratchEntries()
    {
        foreach (string dir in new[] { Root.TempDirectory, RunWorkDirs, Sandbox })
        {
            foreach (string p in StoreCollector.Enumerate(dir, directories: true).Concat(StoreCollector.Enumerate(dir, directories: false)))
                yield return p;
        }
        foreach (string dir in new[] { Root.ImagesDirectory, CacheMounts })
        {
            foreach (string p in StoreCollector.Enumerate(dir, directories: true).Concat(StoreCollector.Enumerate(dir, directories: false)))
            {
                if (Path.GetFileName(p).Contains(".tmp-", StringComparison.Ordinal))
                    yield return p;
            }
        }
    }
}
