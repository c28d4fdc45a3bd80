using System.IO.Compression;

namespace Build.Engine.Oci;

/// <summary>
/// A layer held in memory, for small layers (tests, tiny generated files). All digests are
/// computed in the constructor, so the object exists only with its identity known.
/// </summary>
public sealed class MemoryLayer : ILayer
{
    private readonly ReadOnlyMemory<byte> _blob;

    private MemoryLayer(ReadOnlyMemory<byte> blob, Digest diffId, string mediaType)
    {
        _blob = blob;
        DiffId = diffId;
        MediaType = mediaType;
        Digest = Digest.Compute(blob.Span);
    }

    public Digest Digest { get; }

    public Digest DiffId { get; }

    public long Size => _blob.Length;

    public string MediaType { get; }

    /// <summary>Compresses an uncompressed tar (gzip: fastest level, which zlib-ng makes deterministic for a given input).</summary>
    public static MemoryLayer FromTar(ReadOnlyMemory<byte> tar, LayerCompression compression = LayerCompression.Gzip)
    {
        var diffId = Digest.Compute(tar.Span);
        if (compression == LayerCompression.None)
            return new MemoryLayer(tar, diffId, MediaTypes.OciLayer);
        if (compression != LayerCompression.Gzip)
            throw new ArgumentException("MemoryLayer compresses with gzip only; write zstd layers with the archive writer", nameof(compression));
        var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gz.Write(tar.Span);
        return new MemoryLayer(output.ToArray(), diffId, MediaTypes.OciLayerGzip);
    }

    /// <summary>A layer from a blob whose diff-id is known (e.g. read back from a layout).</summary>
    public static MemoryLayer FromBlob(ReadOnlyMemory<byte> blob, Digest diffId, string mediaType) => new(blob, diffId, mediaType);

    public Task<Stream> OpenCompressedAsync(CancellationToken ct) => Task.FromResult<Stream>(new MemoryStream(_blob.ToArray(), writable: false));

    public Task<Stream> OpenUncompressedAsync(CancellationToken ct) =>
        Task.FromResult(LayerMediaTypes.OpenDecompressed(new MemoryStream(_blob.ToArray(), writable: false), MediaType));
}
