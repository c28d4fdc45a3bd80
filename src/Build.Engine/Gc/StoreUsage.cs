using Build.Engine.Caching;
using Build.Engine.Content;
using Build.Engine.Oci;

namespace Build.Engine.Gc;

/// <summary>One cache record as <c>builder du</c> shows it.</summary>
/// <param name="Size">Its layer blob's size (0 for a step that produced no layer).</param>
/// <param name="Shared">Its blob is also used by a stored image or by another record.</param>
/// <param name="Reclaimable">No stored image uses its blob, so <c>builder prune</c> can free it.</param>
/// <param name="Description">The instruction (<c>RUN make</c>, <c>COPY . /src</c>).</param>
public sealed record RecordUsage(CacheRecord Record, long Size, bool Shared, bool Reclaimable, string Description);

/// <summary>
/// Disk usage of a builder root, as <c>builder du</c> prints it. Shared/Private/Reclaimable/Total count each record
/// blob once, like <c>docker buildx du</c>; the other lines are what the collector looks after.
/// </summary>
public sealed record StoreUsage(
    IReadOnlyList<RecordUsage> Records,
    long Shared,
    long Private,
    long Reclaimable,
    long Total,
    ReclaimedItems ImageOnlyBlobs,
    ReclaimedItems UnreferencedBlobs,
    ReclaimedItems UnpackedLayers,
    ReclaimedItems Scratch,
    int LiveOperations)
{
    /// <summary>Measures the root. Read-only and lock-free: a build running meanwhile may make the numbers slightly stale.</summary>
    public static async Task<StoreUsage> MeasureAsync(BuilderRoot root, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(root);
        var areas = new StoreAreas(root);
        var content = new FileContentStore(root);
        var refs = await ImageReferences.CollectAsync(new ImageStore(root, content, time), content, ct).ConfigureAwait(false);
        IReadOnlyList<CacheRecord> records = [];
        if (File.Exists(areas.CacheIndex))
        {
            using var cache = SqliteCacheStore.Open(areas.CacheDirectory);
            records = await cache.ListAsync(ct).ConfigureAwait(false);
        }
        var users = records.Where(r => r.Layer is not null).GroupBy(r => r.Layer!.Digest).ToDictionary(g => g.Key, g => g.Count());
        var rows = new List<RecordUsage>(records.Count);
        var counted = new HashSet<Digest>();
        long shared = 0, priv = 0, reclaimable = 0;
        foreach (var r in records.OrderByDescending(r => r.LastUsed).ThenBy(r => r.Key.ToString(), StringComparer.Ordinal))
        {
            long size = r.Layer?.Size ?? 0;
            bool inImage = r.Layer is { } l && refs.Blobs.Contains(l.Digest);
            bool isShared = inImage || (r.Layer is { } l2 && users[l2.Digest] > 1);
            rows.Add(new RecordUsage(r, size, isShared, !inImage, Describe(r)));
            if (r.Layer is { } layer && counted.Add(layer.Digest))
            {
                if (isShared)
                    shared += size;
                else
                    priv += size;
                if (!inImage)
                    reclaimable += size;
            }
        }

        var imageOnly = ReclaimedItems.None;
        var unreferenced = ReclaimedItems.None;
        var scratch = ReclaimedItems.None;
        foreach (string file in StoreCollector.Enumerate(areas.Sha256Blobs, directories: false))
        {
            string name = Path.GetFileName(file);
            long size = StoreFiles.SizeOf(file);
            if (name.StartsWith(".tmp-", StringComparison.Ordinal))
                scratch = scratch.Add(size);
            else if (!Digest.TryParse("sha256:" + name, out var d) || users.ContainsKey(d))
                continue;
            else if (refs.Blobs.Contains(d))
                imageOnly = imageOnly.Add(size);
            else
                unreferenced = unreferenced.Add(size);
        }
        var layers = ReclaimedItems.None;
        foreach (string dir in StoreCollector.Enumerate(areas.UnpackedLayers, directories: true))
        {
            if (Path.GetFileName(dir).StartsWith(".tmp-", StringComparison.Ordinal))
                scratch = scratch.Add(StoreFiles.SizeOf(dir));
            else
                layers = layers.Add(StoreFiles.SizeOf(dir));
        }
        foreach (string path in areas.ScratchEntries())
            scratch = scratch.Add(StoreFiles.SizeOf(path));
        int live = StoreLease.CountLive(root);
        return new StoreUsage(rows, shared, priv, reclaimable, shared + priv, imageOnly, unreferenced, layers, scratch, live);
    }

    /// <summary>The instruction a record was made by, from its preimage (<c>op</c> and <c>cmd</c>).</summary>
    public static string Describe(CacheRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        string text = string.Join(' ', new[] { record.Preimage["op"], Command(record.Preimage["cmd"]) }.Where(s => !string.IsNullOrEmpty(s)));
        return text.Length > 0 ? text : record.StepIdentity;
    }

    // A RUN's argv is stored as a JSON array: show the shell script of ["/bin/sh","-c",script], else the words.
    private static string? Command(string? cmd)
    {
        if (cmd is null || !cmd.StartsWith('['))
            return cmd;
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(cmd);
            var words = doc.RootElement.EnumerateArray().Select(e => e.GetString() ?? "").ToList();
            return words.Count == 3 && words[1] == "-c" && words[0].EndsWith("sh", StringComparison.Ordinal) ? words[2] : string.Join(' ', words);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            return cmd;
        }
    }
}
