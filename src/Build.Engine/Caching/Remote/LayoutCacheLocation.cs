using Build.Engine.Content;
using Build.Engine.Errors;
using Build.Engine.Oci;
using Build.Engine.Registry;

namespace Build.Engine.Caching.Remote;

/// <summary>
/// A shared cache in an OCI image layout directory (<c>--cache-to type=local,dest=DIR</c>): the cache manifest is
/// named <see cref="Tag"/> in DIR/index.json; config and layers are in DIR/blobs/sha256.
/// </summary>
public sealed class LayoutCacheLocation(string directory, string tag) : CacheLocation
{
    public string Directory { get; } = Path.GetFullPath(directory);

    public string Tag { get; } = tag;

    public override string Description => Directory;

    public override async Task<CacheSnapshot?> ReadAsync(CancellationToken ct)
    {
        if (!System.IO.Directory.Exists(Directory) || !File.Exists(Path.Combine(Directory, "index.json")))
            return null;
        var store = new OciLayoutStore(Directory);
        if (store.Resolve(Tag) is not { } root)
            return null;
        byte[] manifest = await ReadVerifiedAsync(store, root.Digest, 4 << 20, ct).ConfigureAwait(false);
        var config = CacheDocument.ReadManifest(manifest, Description);
        byte[] configBytes = await ReadVerifiedAsync(store, config.Digest, CacheDocument.MaxConfigSize, ct).ConfigureAwait(false);
        var (records, rejected) = CacheDocument.ReadConfig(configBytes, Description);
        return new CacheSnapshot(root.Digest, records, rejected);
    }

    public override async Task FetchLayerAsync(CachedLayer layer, IContentStore into, CancellationToken ct)
    {
        var store = new OciLayoutStore(Directory);
        await using var source = store.OpenRead(layer.Digest);
        // Verified by the content store: a damaged layout blob fails naming the digest and stores nothing.
        await into.WriteAsync(source, layer.Digest, layer.Size, ct).ConfigureAwait(false);
    }

    public override async Task<Digest> WriteAsync(IReadOnlyCollection<CacheRecord> records, IContentStore content, CancellationToken ct)
    {
        var store = new OciLayoutStore(Directory);
        foreach (var layer in CacheDocument.Layers(records))
        {
            if (store.Contains(layer.Digest))
                continue;
            await using var source = await content.OpenReadAsync(layer.Digest, ct).ConfigureAwait(false);
            await store.WriteAsync(layer.Digest, (stream, _, token) =>
            {
                stream.SetLength(0);
                stream.Position = 0;
                return source.CopyToAsync(stream, 1 << 20, token);
            }, ct).ConfigureAwait(false);
        }
        var (config, _, manifest) = Serialize(records);
        await store.WriteBytesAsync(config, ct).ConfigureAwait(false);
        await store.WriteBytesAsync(manifest, ct).ConfigureAwait(false);
        Digest digest = Digest.Compute(manifest);
        // index.json is replaced atomically (temp file, rename): readers see the old cache or the new one.
        await store.TagAsync(Tag, new RemoteDescriptor(MediaTypes.OciManifest, digest, manifest.Length), ct).ConfigureAwait(false);
        return digest;
    }

    private static async Task<byte[]> ReadVerifiedAsync(OciLayoutStore store, Digest digest, long limit, CancellationToken ct)
    {
        await using var s = store.OpenRead(digest);
        if (s.Length > limit)
            throw new BuildException(ErrorCode.InvalidImage, $"blob {digest} in {store.Root} is {s.Length} bytes, more than the {limit >> 20} MiB limit");
        var bytes = new byte[s.Length];
        await s.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
        if (Digest.Compute(bytes) != digest)
            throw new BuildException(ErrorCode.DigestMismatch, $"digest mismatch for blob {digest} in {store.Root}: it hashes to {Digest.Compute(bytes)}");
        return bytes;
    }
}
