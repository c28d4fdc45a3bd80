namespace Build.Engine.Oci;

/// <summary>
/// An image as a value: its manifest and config, each with the exact bytes they were read from or
/// serialized to (digests are of those bytes), and its layers. No setters: to change an image, use
/// <see cref="Mutate"/>, which returns a new one. Everything is known at construction; only opening
/// a layer's stream can fail. Derived facts (image ID, descriptors, layer by diff-id) are extension
/// methods in <see cref="ImageExtensions"/>, computed the same way for every source.
/// </summary>
public interface IImage
{
    ImageManifest Manifest { get; }

    /// <summary>The manifest bytes; <see cref="Digest"/> is their sha256.</summary>
    ReadOnlyMemory<byte> RawManifest { get; }

    ImageConfig Config { get; }

    /// <summary>The config bytes; the manifest's config descriptor digests them.</summary>
    ReadOnlyMemory<byte> RawConfig { get; }

    /// <summary>The layers, in manifest order (index i matches Manifest.Layers[i] and Config.RootFs.DiffIds[i]).</summary>
    IReadOnlyList<ILayer> Layers { get; }

    /// <summary>The manifest digest: what a registry and <c>name@digest</c> references use.</summary>
    Digest Digest { get; }
}
