using Build.Engine.Content;
using Build.Engine.Errors;
using Build.Engine.Oci;
using Build.Engine.Registry;

namespace Build.Engine.Caching.Remote;

/// <summary>
/// A shared cache at a registry reference (<c>--cache-to type=registry,ref=…</c>): an OCI manifest by tag whose
/// config lists the records and whose layers are the records' layer blobs (docs/cache-format.md).
/// </summary>
public sealed class RegistryCacheLocation(RegistryClient client, ImageReference reference) : CacheLocation
{
    public ImageReference Reference { get; } = reference;

    public override string Description => Reference.FamiliarName;

    public override async Task<CacheSnapshot?> ReadAsync(CancellationToken ct)
    {
        RegistryManifest manifest;
        try
        {
            manifest = await client.GetManifestAsync(Reference, ct).ConfigureAwait(false);
        }
        catch (BuildException e) when (e.Code == ErrorCode.NotFound)
        {
            return null;
        }
        if (manifest.MediaType != MediaTypes.OciManifest)
            throw new BuildException(ErrorCode.InvalidImage, $"{Description} is not a builder cache (it is a {manifest.MediaType})");
        var config = CacheDocument.ReadManifest(manifest.Content.Span, Description);
        if (config.Size > CacheDocument.MaxConfigSize)
            throw new BuildException(ErrorCode.InvalidImage, $"cache config of {Description} is {config.Size} bytes, more than the {CacheDocument.MaxConfigSize >> 20} MiB limit");
        using var buffer = new MemoryStream((int)Math.Max(0, config.Size));
        await client.DownloadBlobAsync(Reference, config.Digest, config.Size, buffer, ct).ConfigureAwait(false);
        var (records, rejected) = CacheDocument.ReadConfig(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Description);
        // A later push of a hit's layer to another repository of this registry mounts it instead of downloading it.
        foreach (var layer in CacheDocument.Layers(records))
            client.RecordBlobOrigin(Reference, layer.Digest);
        return new CacheSnapshot(manifest.Digest, records, rejected);
    }

    public override Task FetchLayerAsync(CachedLayer layer, IContentStore into, CancellationToken ct) =>
        // The content store's writer hashes what it is given and commits only the expected digest.
        new ContentStoreBlobs(into).WriteAsync(layer.Digest,
            (stream, existing, token) => client.DownloadBlobAsync(Reference, layer.Digest, layer.Size, stream, existing, verify: false, token), ct);

    public override async Task<Digest> WriteAsync(IReadOnlyCollection<CacheRecord> records, IContentStore content, CancellationToken ct)
    {
        var (config, configDescriptor, manifest) = Serialize(records);
        // Layers (HEAD skips those already there, a blob seen in another repository is mounted), config, then the manifest by tag.
        return await new RegistryPusher(client).PushAsync(Reference, MediaTypes.OciManifest, manifest, async (digest, token) =>
            digest == configDescriptor.Digest
                ? new MemoryStream(config, writable: false)
                : await content.OpenReadAsync(digest, token).ConfigureAwait(false), ct).ConfigureAwait(false);
    }
}
