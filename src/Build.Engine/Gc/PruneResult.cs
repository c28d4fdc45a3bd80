using Build.Engine.Caching;

namespace Build.Engine.Gc;

/// <summary>What a prune removed.</summary>
/// <param name="Records">The cache records deleted, least recently used first.</param>
/// <param name="Blobs">Blobs deleted: layers of deleted records, and orphans (a killed build's, a removed image's).</param>
/// <param name="UnpackedLayers">Unpacked layer directories (<c>snapshots/layers</c>) no kept blob needs.</param>
/// <param name="Scratch">Temp files and directories of operations that are gone (<c>.tmp-*</c>, build and RUN work dirs, overlay mounts they left), and with --all the cache mounts.</param>
/// <param name="LiveOperations">Builds and other operations that were running; what they use was kept.</param>
/// <param name="Failed">Paths that could not be removed.</param>
public sealed record PruneResult(
    IReadOnlyList<CacheRecord> Records,
    ReclaimedItems Blobs,
    ReclaimedItems UnpackedLayers,
    ReclaimedItems Scratch,
    int LiveOperations,
    IReadOnlyList<string> Failed)
{
    public long TotalBytes => Blobs.Bytes + UnpackedLayers.Bytes + Scratch.Bytes;
}

/// <summary>A count and the bytes they held.</summary>
public sealed record ReclaimedItems(int Count, long Bytes)
{
    public static readonly ReclaimedItems None = new(0, 0);

    public ReclaimedItems Add(long bytes) => new(Count + 1, Bytes + bytes);
}
