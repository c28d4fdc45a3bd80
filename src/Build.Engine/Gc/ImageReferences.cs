using Build.Engine.Content;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Gc;

/// <summary>Everything the image store keeps alive: every blob reachable from an image entry (indexes, manifests, configs, layers) and the layers' diff-ids.</summary>
public sealed record ImageReferences(IReadOnlySet<Digest> Blobs, IReadOnlySet<Digest> DiffIds)
{
    /// <summary>
    /// Walks every image-store entry. A missing blob is skipped (verify reports it); a manifest or config that is
    /// present but unreadable throws StoreCorrupt, because what it references cannot be known and nothing may be
    /// collected on a guess.
    /// </summary>
    public static async Task<ImageReferences> CollectAsync(ImageStore images, IContentStore content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(content);
        var blobs = new HashSet<Digest>();
        var diffIds = new HashSet<Digest>();
        foreach (var record in await images.ListAsync(ct).ConfigureAwait(false))
            await WalkAsync(content, record.Target.Digest, blobs, diffIds, depth: 0, ct).ConfigureAwait(false);
        return new ImageReferences(blobs, diffIds);
    }

    private static async Task WalkAsync(IContentStore content, Digest digest, HashSet<Digest> blobs, HashSet<Digest> diffIds, int depth, CancellationToken ct)
    {
        if (!blobs.Add(digest) || depth > 4 || !await content.ExistsAsync(digest, ct).ConfigureAwait(false))
            return;
        byte[] raw = await content.ReadAllAsync(digest, ct).ConfigureAwait(false);
        try
        {
            switch (OciJson.DetectKind(raw))
            {
                case ManifestKind.Index:
                    foreach (var child in OciJson.ReadIndex(raw, $"index {digest}").Manifests)
                        await WalkAsync(content, child.Digest, blobs, diffIds, depth + 1, ct).ConfigureAwait(false);
                    break;
                case ManifestKind.Manifest:
                    var m = OciJson.ReadManifest(raw, $"manifest {digest}");
                    blobs.Add(m.Config.Digest);
                    foreach (var layer in m.Layers)
                        blobs.Add(layer.Digest);
                    if (await content.ExistsAsync(m.Config.Digest, ct).ConfigureAwait(false))
                    {
                        var config = OciJson.ReadConfig(await content.ReadAllAsync(m.Config.Digest, ct).ConfigureAwait(false), $"config {m.Config.Digest}");
                        foreach (var d in config.RootFs.DiffIds)
                            diffIds.Add(d);
                    }
                    break;
                default:
                    throw new BuildException(ErrorCode.StoreCorrupt, $"blob {digest} is named by the image store but is not a manifest or index");
            }
        }
        catch (BuildException e) when (e.Code != ErrorCode.StoreCorrupt)
        {
            throw new BuildException(ErrorCode.StoreCorrupt, $"cannot collect garbage: {e.Message} (run builder verify)", e);
        }
    }
}
