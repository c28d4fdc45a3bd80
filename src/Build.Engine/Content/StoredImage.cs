using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Content;

/// <summary>An image read from the content store; its layers open their blobs there.</summary>
public sealed class StoredImage : IImage
{
    private readonly Image _image;

    private StoredImage(Image image, Descriptor descriptor)
    {
        _image = image;
        Descriptor = descriptor;
    }

    /// <summary>The descriptor of the manifest (for an index, the chosen child's).</summary>
    public Descriptor Descriptor { get; }

    public ImageManifest Manifest => _image.Manifest;

    public ReadOnlyMemory<byte> RawManifest => _image.RawManifest;

    public ImageConfig Config => _image.Config;

    public ReadOnlyMemory<byte> RawConfig => _image.RawConfig;

    public IReadOnlyList<ILayer> Layers => _image.Layers;

    public Digest Digest => _image.Digest;

    /// <summary>Reads the manifest <paramref name="descriptor"/> points at; for an index, the child for <paramref name="platform"/>.</summary>
    public static async Task<StoredImage> LoadAsync(IContentStore content, Descriptor descriptor, Platform platform, CancellationToken ct)
    {
        byte[] raw = await ReadVerifiedAsync(content, descriptor.Digest, ct).ConfigureAwait(false);
        switch (OciJson.DetectKind(raw))
        {
            case ManifestKind.Index:
                var index = OciJson.ReadIndex(raw, $"index {descriptor.Digest}");
                var child = SelectManifest(index, platform)
                    ?? throw new BuildException(ErrorCode.NotFound,
                        $"index {descriptor.Digest} has no manifest for {platform} (it has: {string.Join(", ", index.Manifests.Select(m => m.Platform?.ToString() ?? "unknown"))})");
                return await LoadAsync(content, child, platform, ct).ConfigureAwait(false);
            case ManifestKind.Manifest:
                var manifest = OciJson.ReadManifest(raw, $"manifest {descriptor.Digest}");
                byte[] rawConfig = await ReadVerifiedAsync(content, manifest.Config.Digest, ct).ConfigureAwait(false);
                var config = OciJson.ReadConfig(rawConfig, $"config {manifest.Config.Digest}");
                if (config.RootFs.DiffIds.Count != manifest.Layers.Count)
                {
                    throw new BuildException(ErrorCode.InvalidImage,
                        $"manifest {descriptor.Digest} lists {manifest.Layers.Count} layers but its config has {config.RootFs.DiffIds.Count} diff_ids");
                }
                var layers = manifest.Layers.Select((l, i) => (ILayer)new StoredLayer(content, l, config.RootFs.DiffIds[i])).ToList();
                return new StoredImage(Image.FromRaw(raw, rawConfig, layers), descriptor with { MediaType = manifest.MediaType ?? descriptor.MediaType });
            default:
                throw new BuildException(ErrorCode.InvalidImage, $"blob {descriptor.Digest} is not an image manifest or index");
        }
    }

    /// <summary>The index entry for <paramref name="platform"/>; an index with one entry and no platform annotation yields that entry.</summary>
    public static Descriptor? SelectManifest(ImageIndex index, Platform platform)
    {
        var candidates = index.Manifests.Where(m => m.Platform is not null && platform.Matches(m.Platform)).ToList();
        // Prefer an exact variant match ("arm/v7" over "arm" with no variant).
        var best = candidates.FirstOrDefault(m => m.Platform!.Variant == platform.Variant) ?? candidates.FirstOrDefault();
        if (best is not null)
            return best;
        var unlabeled = index.Manifests.Where(m => m.Platform is null && m.MediaType is MediaTypes.OciManifest or MediaTypes.DockerManifest).ToList();
        return unlabeled.Count == 1 ? unlabeled[0] : null;
    }

    private static async Task<byte[]> ReadVerifiedAsync(IContentStore content, Digest digest, CancellationToken ct)
    {
        byte[] bytes = await content.ReadAllAsync(digest, ct).ConfigureAwait(false);
        var actual = Digest.Compute(bytes);
        return actual == digest ? bytes : throw new BuildException(ErrorCode.StoreCorrupt, $"blob {digest} in the content store hashes to {actual}; run builder verify");
    }
}
