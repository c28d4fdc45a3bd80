using Build.Engine.Oci;

namespace Build.Engine.Archive;

/// <summary>How <see cref="LayerWriter"/> encodes a layer.</summary>
public sealed record LayerWriteOptions
{
    public LayerCompression Compression { get; init; } = LayerCompression.Gzip;

    /// <summary>
    /// zlib level 1–9. Default 2: with the runtime's zlib-ng, level 1 is a different, much weaker
    /// algorithm (deflate_quick, ratio ~2.2 on a /usr/lib tar) while level 2 compresses like
    /// <c>gzip -1</c> (~2.7) and is still ~1.5× its speed; levels above 4 halve the speed for 3 % more.
    /// </summary>
    public int GzipLevel { get; init; } = 2;

    /// <summary>
    /// How many gzip members are compressed at once (default: <see cref="Environment.ProcessorCount"/>).
    /// Only speed and memory (two 1–2 MiB buffers per thread) depend on it, never the bytes: the tar is cut
    /// into members at fixed 1 MiB boundaries.
    /// </summary>
    public int? GzipThreads { get; init; }

    /// <summary>zstd level; 3 is the zstd CLI's default (~350 MB/s here).</summary>
    public int ZstdLevel { get; init; } = 3;

    /// <summary>
    /// When set, every mtime later than this is clamped to it (the reproducible-builds
    /// SOURCE_DATE_EPOCH convention). The CLI reads the variable; the engine only takes this value.
    /// </summary>
    public UnixTimestamp? SourceDateEpoch { get; init; }

    /// <summary>
    /// An empty directory to unpack the layer into (with <see cref="UnpackOptions"/>) while it is written, from the
    /// same tar bytes: what the step after a COPY or RUN stands on, without inflating the blob again. The result's
    /// <see cref="LayerWriteResult.Unpacked"/> says whether it worked; the directory is the caller's either way.
    /// </summary>
    public string? UnpackInto { get; init; }

    /// <summary>
    /// Layers whose tar is estimated at most this size are made in memory on the calling thread instead of through
    /// the two-thread pipeline, with the same bytes (tests set it to compare the two).
    /// </summary>
    internal long SmallLayerLimit { get; init; } = 768 * 1024;

    /// <summary>How <see cref="UnpackInto"/> is unpacked.</summary>
    public UnpackOptions UnpackOptions { get; init; } = new();
}
