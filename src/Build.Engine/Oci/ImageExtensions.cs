namespace Build.Engine.Oci;

/// <summary>
/// Facts derived from any <see cref="IImage"/> or <see cref="ILayer"/>, computed once here rather
/// than by each source (the go-containerregistry "partial" idea).
/// </summary>
public static class ImageExtensions
{
    /// <summary>The manifest's media type; a manifest without one is read as OCI (the spec's default).</summary>
    public static string ManifestMediaType(this IImage image) => image.Manifest.MediaType ?? MediaTypes.OciManifest;

    /// <summary>The descriptor that points at this image's manifest.</summary>
    public static Descriptor ManifestDescriptor(this IImage image) =>
        new() { MediaType = image.ManifestMediaType(), Digest = image.Digest, Size = image.RawManifest.Length };

    /// <summary>The config digest, which Docker shows as the IMAGE ID.</summary>
    public static Digest ConfigDigest(this IImage image) => image.Manifest.Config.Digest;

    /// <summary>The first layer whose uncompressed tar has this digest, or null.</summary>
    public static ILayer? LayerByDiffId(this IImage image, Digest diffId) => image.Layers.FirstOrDefault(l => l.DiffId == diffId);

    /// <summary>The first layer whose blob has this digest, or null.</summary>
    public static ILayer? LayerByDigest(this IImage image, Digest digest) => image.Layers.FirstOrDefault(l => l.Digest == digest);

    /// <summary>Bytes of all blobs (manifest, config, layers) as stored: what pulling the image downloads.</summary>
    public static long TotalSize(this IImage image) =>
        image.RawManifest.Length + image.RawConfig.Length + image.Layers.Sum(l => l.Size);

    public static Platform Platform(this IImage image) => image.Config.Platform;

    /// <summary>A descriptor for the layer's blob.</summary>
    public static Descriptor ToDescriptor(this ILayer layer) => new() { MediaType = layer.MediaType, Digest = layer.Digest, Size = layer.Size };
}
