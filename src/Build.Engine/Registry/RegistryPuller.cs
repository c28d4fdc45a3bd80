using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Registry;

/// <summary>
/// Pulls one image: resolves the tag or digest, follows an index or manifest list to the requested
/// platform, downloads config and layers concurrently (bounded by
/// <see cref="RegistryClientOptions.MaxConcurrentTransfers"/>) with digest verification, skipping blobs
/// the store already has. The manifest is stored last, so a stored manifest implies its blobs are there.
/// </summary>
public sealed class RegistryPuller(RegistryClient client)
{
    public async Task<PulledImage> PullAsync(ImageReference reference, Platform platform, IBlobStore store, CancellationToken ct)
    {
        RegistryManifest top = await client.GetManifestAsync(reference, ct).ConfigureAwait(false);
        RegistryManifest manifest = top;
        Digest? indexDigest = null;
        if (top.IsIndex)
        {
            indexDigest = top.Digest;
            var entries = ManifestReader.ReadIndex(top.Content, reference.FamiliarName);
            RemoteDescriptor chosen = ManifestReader.SelectPlatform(entries, platform, reference.FamiliarName);
            manifest = await client.GetManifestAsync(reference.WithDigest(chosen.Digest), ct).ConfigureAwait(false);
            if (manifest.IsIndex)
                throw new BuildException(ErrorCode.InvalidImage, $"invalid manifest {reference.FamiliarName}: the {platform} entry is itself an index");
        }
        else if (manifest.MediaType is not (MediaTypes.OciManifest or MediaTypes.DockerManifest))
        {
            throw new BuildException(ErrorCode.InvalidImage, $"{reference.FamiliarName} is a {manifest.MediaType}, not an image manifest");
        }

        var (config, layers) = ManifestReader.ReadManifest(manifest.Content, reference.FamiliarName + "@" + manifest.Digest);
        var blobs = new List<RemoteDescriptor>(layers.Count + 1) { config };
        blobs.AddRange(layers);
        var distinct = blobs.DistinctBy(b => b.Digest).ToList();

        await Parallel.ForEachAsync(distinct,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, client.Options.MaxConcurrentTransfers), CancellationToken = ct },
            async (blob, token) =>
            {
                string id = RegistryClient.Short(blob.Digest);
                if (store.Contains(blob.Digest))
                {
                    client.RecordBlobOrigin(reference, blob.Digest);
                    Log($"{id}: already exists");
                    return;
                }
                Log($"{id}: downloading {FormatSize(blob.Size)}");
                await store.WriteAsync(blob.Digest,
                    (stream, existing, t) => client.DownloadBlobAsync(reference, blob.Digest, blob.Size, stream, existing, t), token).ConfigureAwait(false);
                Log($"{id}: done");
            }).ConfigureAwait(false);

        await store.WriteAsync(manifest.Digest, async (stream, _, t) =>
        {
            stream.SetLength(0);
            await stream.WriteAsync(manifest.Content, t).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
        Log($"{reference.FamiliarName}: pulled {manifest.Digest}");
        return new PulledImage(reference, new RemoteDescriptor(manifest.MediaType, manifest.Digest, manifest.Content.Length), config, layers, indexDigest);
    }

    private void Log(string line) => client.Options.Log?.Invoke(line);

    internal static string FormatSize(long bytes) => bytes switch
    {
        < 0 => "? B",
        < 1024 => $"{bytes} B",
        < 1 << 20 => $"{bytes / 1024.0:0.0} KiB",
        < 1L << 30 => $"{bytes / 1048576.0:0.0} MiB",
        _ => $"{bytes / 1073741824.0:0.00} GiB",
    };
}
