using Build.Engine.Content;
using Build.Engine.Oci;

namespace Build.Engine.Export;

/// <summary>
/// Saves an image in the format <c>docker save</c> writes and <c>docker load</c> reads: the config
/// as <c>&lt;hex&gt;.json</c>, each layer uncompressed as <c>&lt;diff-id hex&gt;/layer.tar</c> (its diff-id
/// checked while writing), <c>manifest.json</c> with Config, RepoTags and Layers, and the legacy
/// <c>repositories</c> file. Written atomically.
/// </summary>
public sealed class DockerArchiveExporter(string file) : IImageExporter
{
    public Task ExportAsync(IImage image, IReadOnlyList<ImageReference> names, CancellationToken ct) =>
        AtomicOutput.WriteFileAsync(file, async fs =>
        {
            await using var tar = new TarArchiveWriter(fs);
            var layerPaths = new List<string>();
            for (int i = 0; i < image.Layers.Count; i++)
            {
                var layer = image.Layers[i];
                string id = layer.DiffId.Hex;
                string path = id + "/layer.tar";
                layerPaths.Add(path);
                if (tar.Contains(path))
                    continue; // the same layer twice (e.g. two identical empty-dir steps): stored once, listed twice
                await tar.AddDirectoryAsync(id, ct).ConfigureAwait(false);
                await using var source = new HashingReadStream(await layer.OpenUncompressedAsync(ct).ConfigureAwait(false));
                await tar.AddStreamAsync(path, source, ct).ConfigureAwait(false);
                source.Verify(layer.DiffId, $"layer {layer.Digest} with diff-id");
            }
            string configPath = image.ConfigDigest().Hex + ".json";
            await tar.AddFileAsync(configPath, image.RawConfig, ct).ConfigureAwait(false);
            var entry = new DockerArchiveEntry
            {
                Config = configPath,
                RepoTags = names.Count == 0 ? null : [.. names.Where(n => n.Tag is not null).Select(n => n.FamiliarRepository + ":" + n.Tag)],
                Layers = layerPaths,
            };
            await tar.AddFileAsync("manifest.json", OciJson.Serialize<DockerArchiveEntry[]>([entry], OciJson.Context.DockerArchiveEntryArray), ct).ConfigureAwait(false);
            if (layerPaths.Count > 0 && names.Any(n => n.Tag is not null))
            {
                // Pre-1.10 docker load reads this instead of manifest.json; it maps repo → tag → top layer directory.
                var repositories = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
                foreach (var n in names.Where(n => n.Tag is not null))
                {
                    if (!repositories.TryGetValue(n.FamiliarRepository, out var tags))
                        repositories[n.FamiliarRepository] = tags = new(StringComparer.Ordinal);
                    tags[n.Tag!] = image.Layers[^1].DiffId.Hex;
                }
                await tar.AddFileAsync("repositories", OciJson.Serialize(repositories, OciJson.Context.DictionaryStringDictionaryStringString), ct).ConfigureAwait(false);
            }
        }, ct);
}
