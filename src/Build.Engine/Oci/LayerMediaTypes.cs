using System.IO.Compression;
using Build.Engine.Errors;

namespace Build.Engine.Oci;

/// <summary>Facts about layer media types: compression, OCI equivalents of Docker's types, decompression.</summary>
public static class LayerMediaTypes
{
    public static LayerCompression CompressionOf(string mediaType) => mediaType switch
    {
        MediaTypes.OciLayer or "application/vnd.oci.image.layer.nondistributable.v1.tar" or "application/vnd.docker.image.rootfs.diff.tar" => LayerCompression.None,
        MediaTypes.OciLayerGzip or MediaTypes.OciLayerNondistributableGzip or MediaTypes.DockerLayerGzip or MediaTypes.DockerLayerForeignGzip => LayerCompression.Gzip,
        MediaTypes.OciLayerZstd or "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd" => LayerCompression.Zstd,
        _ => throw new BuildException(ErrorCode.InvalidImage, $"unsupported layer media type \"{mediaType}\""),
    };

    public static bool IsLayer(string mediaType) =>
        mediaType.StartsWith("application/vnd.oci.image.layer.", StringComparison.Ordinal)
        || mediaType.StartsWith("application/vnd.docker.image.rootfs.", StringComparison.Ordinal);

    public static string ForCompression(LayerCompression compression) => compression switch
    {
        LayerCompression.None => MediaTypes.OciLayer,
        LayerCompression.Gzip => MediaTypes.OciLayerGzip,
        LayerCompression.Zstd => MediaTypes.OciLayerZstd,
        _ => throw new ArgumentOutOfRangeException(nameof(compression)),
    };

    /// <summary>The OCI media type with the same meaning; OCI types map to themselves.</summary>
    public static string ToOci(string mediaType) => mediaType switch
    {
        MediaTypes.DockerManifest => MediaTypes.OciManifest,
        MediaTypes.DockerManifestList => MediaTypes.OciIndex,
        MediaTypes.DockerConfig => MediaTypes.OciConfig,
        MediaTypes.DockerLayerGzip => MediaTypes.OciLayerGzip,
        MediaTypes.DockerLayerForeignGzip => MediaTypes.OciLayerNondistributableGzip,
        "application/vnd.docker.image.rootfs.diff.tar" => MediaTypes.OciLayer,
        _ => mediaType,
    };

    /// <summary>Wraps <paramref name="compressed"/> in a decompressor for <paramref name="mediaType"/>; disposing the result disposes the input.</summary>
    public static Stream OpenDecompressed(Stream compressed, string mediaType) => CompressionOf(mediaType) switch
    {
        LayerCompression.None => compressed,
        LayerCompression.Gzip => new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: false),
        LayerCompression.Zstd => new ZstdStream(compressed),
        _ => throw new InvalidOperationException(),
    };
}
