using Build.Engine.Errors;

namespace Build.Engine.Oci;

/// <summary>
/// An image held as values: manifest and config bytes in memory plus layer objects. What
/// <see cref="Mutate"/> returns, and how any source can present an image it has already parsed.
/// </summary>
public sealed class Image : IImage
{
    private Image(ImageManifest manifest, ReadOnlyMemory<byte> rawManifest, ImageConfig config, ReadOnlyMemory<byte> rawConfig, IReadOnlyList<ILayer> layers)
    {
        Manifest = manifest;
        RawManifest = rawManifest;
        Config = config;
        RawConfig = rawConfig;
        Layers = ValueList.From(layers)!;
        Digest = Digest.Compute(rawManifest.Span);
    }

    public ImageManifest Manifest { get; }

    public ReadOnlyMemory<byte> RawManifest { get; }

    public ImageConfig Config { get; }

    public ReadOnlyMemory<byte> RawConfig { get; }

    public IReadOnlyList<ILayer> Layers { get; }

    public Digest Digest { get; }

    /// <summary>
    /// Serializes <paramref name="config"/>, points the manifest's config descriptor at it and
    /// serializes the manifest. The manifest's layer descriptors are kept as given (so annotations
    /// and urls survive) and must match <paramref name="layers"/>.
    /// </summary>
    public static Image Create(ImageManifest manifest, ImageConfig config, IReadOnlyList<ILayer> layers)
    {
        byte[] rawConfig = OciJson.Serialize(config);
        var m = manifest with
        {
            Config = manifest.Config with { Digest = Digest.Compute(rawConfig), Size = rawConfig.Length },
        };
        return FromParts(m, OciJson.Serialize(m), config, rawConfig, layers);
    }

    /// <summary>An image from bytes already read (a store, a layout); checks that the parts agree.</summary>
    public static Image FromRaw(ReadOnlyMemory<byte> rawManifest, ReadOnlyMemory<byte> rawConfig, IReadOnlyList<ILayer> layers)
    {
        var digest = Digest.Compute(rawManifest.Span);
        var manifest = OciJson.ReadManifest(rawManifest.Span, $"manifest {digest}");
        var config = OciJson.ReadConfig(rawConfig.Span, $"config {manifest.Config.Digest}");
        return FromParts(manifest, rawManifest, config, rawConfig, layers);
    }

    private static Image FromParts(ImageManifest manifest, ReadOnlyMemory<byte> rawManifest, ImageConfig config, ReadOnlyMemory<byte> rawConfig, IReadOnlyList<ILayer> layers)
    {
        var configDigest = Digest.Compute(rawConfig.Span);
        if (configDigest != manifest.Config.Digest)
            throw new BuildException(ErrorCode.DigestMismatch, $"config hashes to {configDigest}, but the manifest says {manifest.Config.Digest}");
        if (layers.Count != manifest.Layers.Count)
            throw new BuildException(ErrorCode.InvalidImage, $"manifest lists {manifest.Layers.Count} layers, but {layers.Count} were given");
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i].Digest != manifest.Layers[i].Digest)
                throw new BuildException(ErrorCode.InvalidImage, $"layer {i} is {layers[i].Digest}, but the manifest lists {manifest.Layers[i].Digest}");
        }
        return new Image(manifest, rawManifest, config, rawConfig, layers);
    }
}
