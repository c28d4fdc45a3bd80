using Build.Engine.Content;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Registry;

/// <summary>
/// Pushes an image or index. The order is the one registries need (go-containerregistry's remote
/// README explains it): a manifest references its config and layers by digest and a registry may
/// refuse a manifest whose blobs it does not have, so layers go first (concurrently; HEAD skips those
/// already there; a blob seen in another repository of the same registry is mounted), then the
/// config, then the manifest by tag. An index pushes each child manifest by digest before itself.
/// </summary>
public sealed class RegistryPusher(RegistryClient client)
{
    /// <summary>
    /// Pushes the manifest or index <paramref name="content"/> (of <paramref name="mediaType"/>) and
    /// everything it references, read through <paramref name="openBlob"/>, to <paramref name="target"/>.
    /// Returns the digest of the pushed manifest.
    /// </summary>
    public async Task<Digest> PushAsync(ImageReference target, string mediaType, ReadOnlyMemory<byte> content,
        Func<Digest, CancellationToken, Task<Stream>> openBlob, CancellationToken ct)
    {
        if (mediaType is MediaTypes.OciIndex or MediaTypes.DockerManifestList)
        {
            foreach (var (child, _) in ManifestReader.ReadIndex(content, target.FamiliarName))
            {
                byte[] childContent;
                await using (Stream s = await openBlob(child.Digest, ct).ConfigureAwait(false))
                using (var memory = new MemoryStream())
                {
                    await s.CopyToAsync(memory, ct).ConfigureAwait(false);
                    childContent = memory.ToArray();
                }
                if (Digest.Compute(childContent) != child.Digest)
                    throw new BuildException(ErrorCode.DigestMismatch, $"digest mismatch: local blob {child.Digest} does not hash to its name");
                await PushAsync(target.AtDigest(child.Digest), child.MediaType.Length > 0 ? child.MediaType : MediaTypes.OciManifest,
                    childContent, openBlob, ct).ConfigureAwait(false);
            }
        }
        else
        {
            var (config, layers) = ManifestReader.ReadManifest(content, target.FamiliarName);
            await Parallel.ForEachAsync(layers.DistinctBy(l => l.Digest),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, client.Options.MaxConcurrentTransfers), CancellationToken = ct },
                (layer, token) => new ValueTask(PushBlobAsync(target, layer, openBlob, token))).ConfigureAwait(false);
            await PushBlobAsync(target, config, openBlob, ct).ConfigureAwait(false);
        }

        // A child of an index is pushed by digest (its reference has no tag); the top level by tag.
        Digest digest = await client.PutManifestAsync(target, mediaType, content, ct).ConfigureAwait(false);
        Log($"{target.FamiliarName}: pushed manifest {digest}");
        return digest;
    }

    /// <summary>
    /// Pushes <paramref name="image"/> to <paramref name="target"/> (by its tag): layers through
    /// <see cref="ILayer.OpenCompressedAsync"/>, the config and manifest from their raw bytes.
    /// </summary>
    public Task<Digest> PushAsync(IImage image, ImageReference target, CancellationToken ct)
    {
        Digest configDigest = image.ConfigDigest();
        ReadOnlyMemory<byte> config = image.RawConfig;
        return PushAsync(target, image.ManifestMediaType(), image.RawManifest, async (digest, token) =>
        {
            if (digest == configDigest)
                return new MemoryStream(config.ToArray(), writable: false);
            ILayer layer = image.LayerByDigest(digest)
                ?? throw new BuildException(ErrorCode.InvalidImage, $"image {image.Digest} has no layer {digest}");
            return await layer.OpenCompressedAsync(token).ConfigureAwait(false);
        }, ct);
    }

    /// <summary>Pushes the manifest or index <paramref name="root"/> stored in <paramref name="store"/>, with everything it references.</summary>
    public async Task<Digest> PushAsync(ImageReference target, IBlobStore store, RemoteDescriptor root, CancellationToken ct)
    {
        byte[] content;
        await using (Stream s = await store.OpenReadAsync(root.Digest, ct).ConfigureAwait(false))
        using (var memory = new MemoryStream())
        {
            await s.CopyToAsync(memory, ct).ConfigureAwait(false);
            content = memory.ToArray();
        }
        if (Digest.Compute(content) != root.Digest)
            throw new BuildException(ErrorCode.DigestMismatch, $"digest mismatch: local manifest {root.Digest} does not hash to its name");
        return await PushAsync(target, root.MediaType, content, store.OpenReadAsync, ct).ConfigureAwait(false);
    }

    private async Task PushBlobAsync(ImageReference target, RemoteDescriptor blob, Func<Digest, CancellationToken, Task<Stream>> openBlob, CancellationToken ct)
    {
        string id = RegistryClient.Short(blob.Digest);
        long size = blob.Size;
        if (size < 0)
        {
            await using Stream probe = await openBlob(blob.Digest, ct).ConfigureAwait(false);
            size = probe.Length;
        }
        var result = await client.PushBlobAsync(target, blob.Digest, size, token => openBlob(blob.Digest, token), ct).ConfigureAwait(false);
        // A mount is logged by the client, which knows the repository it came from.
        if (result == BlobPushResult.AlreadyExists)
            Log($"{id}: already exists");
        else if (result == BlobPushResult.Uploaded)
            Log($"{id}: pushed {RegistryPuller.FormatSize(size)}");
    }

    private void Log(string line) => client.Options.Log?.Invoke(line);
}
