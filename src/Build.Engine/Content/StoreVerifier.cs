using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Content;

/// <summary>
/// fsck for the local store: re-hashes every blob and follows every image-store entry through its
/// manifests to the config and layers, checking presence, size and shape. Returns one line per
/// problem; an empty list means the store is consistent.
/// </summary>
public static class StoreVerifier
{
    public static async Task<IReadOnlyList<string>> VerifyAsync(IContentStore content, ImageStore images, CancellationToken ct)
    {
        var problems = new List<string>();
        var corrupt = new HashSet<Digest>();
        await foreach (var digest in content.ListAsync(ct).ConfigureAwait(false))
        {
            var actual = await content.RehashAsync(digest, ct).ConfigureAwait(false);
            if (actual != digest)
            {
                corrupt.Add(digest);
                problems.Add($"blob {digest}: content hashes to {actual}");
            }
        }
        foreach (var record in await images.ListAsync(ct).ConfigureAwait(false))
        {
            string who = record.Name is null ? $"untagged image {record.Digest}" : $"image {record.Name.FamiliarName}";
            await CheckAsync(content, record.Target, who, corrupt, problems, depth: 0, ct).ConfigureAwait(false);
        }
        return problems;
    }

    private static async Task<byte[]?> CheckBlobAsync(IContentStore content, Descriptor d, string what, HashSet<Digest> corrupt, List<string> problems, bool read, CancellationToken ct)
    {
        if (!await content.ExistsAsync(d.Digest, ct).ConfigureAwait(false))
        {
            problems.Add($"{what}: blob {d.Digest} is missing");
            return null;
        }
        long size = await content.GetSizeAsync(d.Digest, ct).ConfigureAwait(false);
        if (size != d.Size)
            problems.Add($"{what}: blob {d.Digest} is {size} bytes, the descriptor says {d.Size}");
        if (corrupt.Contains(d.Digest))
            return null; // already reported; its JSON cannot be trusted
        return read ? await content.ReadAllAsync(d.Digest, ct).ConfigureAwait(false) : [];
    }

    private static async Task CheckAsync(IContentStore content, Descriptor d, string who, HashSet<Digest> corrupt, List<string> problems, int depth, CancellationToken ct)
    {
        byte[]? raw = await CheckBlobAsync(content, d, $"{who} manifest", corrupt, problems, read: true, ct).ConfigureAwait(false);
        if (raw is null)
            return;
        try
        {
            switch (OciJson.DetectKind(raw))
            {
                case ManifestKind.Index when depth < 4:
                    foreach (var child in OciJson.ReadIndex(raw, $"{who}: index {d.Digest}").Manifests)
                        await CheckAsync(content, child, $"{who} ({child.Platform?.ToString() ?? child.Digest.ToString()})", corrupt, problems, depth + 1, ct).ConfigureAwait(false);
                    break;
                case ManifestKind.Manifest:
                    var m = OciJson.ReadManifest(raw, $"{who}: manifest {d.Digest}");
                    byte[]? rawConfig = await CheckBlobAsync(content, m.Config, $"{who} config", corrupt, problems, read: true, ct).ConfigureAwait(false);
                    foreach (var (layer, i) in m.Layers.Select((l, i) => (l, i)))
                        await CheckBlobAsync(content, layer, $"{who} layer {i}", corrupt, problems, read: false, ct).ConfigureAwait(false);
                    if (rawConfig is not null)
                    {
                        var config = OciJson.ReadConfig(rawConfig, $"{who}: config {m.Config.Digest}");
                        if (config.RootFs.DiffIds.Count != m.Layers.Count)
                            problems.Add($"{who}: manifest {d.Digest} has {m.Layers.Count} layers but config {m.Config.Digest} has {config.RootFs.DiffIds.Count} diff_ids");
                    }
                    break;
                default:
                    problems.Add($"{who}: blob {d.Digest} is not a manifest or index");
                    break;
            }
        }
        catch (BuildException e)
        {
            problems.Add(e.Message);
        }
    }
}
