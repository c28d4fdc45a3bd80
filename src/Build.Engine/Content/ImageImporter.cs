using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Content;

/// <summary>
/// <c>builder load</c>: stores the images of an OCI image layout directory, an oci-archive tar or a
/// docker-archive tar (<c>docker save</c>, both its legacy layout and the OCI-shaped one of Docker
/// 25+) in the content and image stores. Inputs are untrusted: every blob is verified against its
/// digest while it is copied, paths are resolved inside the archive only, and errors name the input.
/// For an index, the manifest for <see cref="Platform"/> (default: the host) is imported.
/// </summary>
public sealed class ImageImporter
{
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    private readonly ImageStore _images;
    private readonly IContentStore _content;

    public ImageImporter(ImageStore images)
    {
        _images = images;
        _content = images.Content;
    }

    public Platform Platform { get; init; } = Platform.Host;

    /// <param name="path">A layout directory or an archive file.</param>
    /// <param name="name">Extra name for the image (only when the input holds exactly one image).</param>
    public async Task<IReadOnlyList<ImportedImage>> ImportAsync(string path, ImageReference? name, CancellationToken ct)
    {
        List<(Descriptor Manifest, Digest Config, List<ImageReference> Names)> found;
        if (Directory.Exists(path))
        {
            found = await ImportLayoutAsync(new DirectorySource(path, _content), path, ct).ConfigureAwait(false);
        }
        else if (File.Exists(path))
        {
            var scan = await ArchiveScan.ScanAsync(path, _content, ct).ConfigureAwait(false);
            if (scan.Has("index.json") && scan.Has("oci-layout"))
            {
                found = await ImportLayoutAsync(new ArchiveSource(scan, _content, path), path, ct).ConfigureAwait(false);
                if (scan.Has("manifest.json"))
                    await AddRepoTagsAsync(scan, path, found, ct).ConfigureAwait(false);
            }
            else if (scan.Has("manifest.json"))
            {
                found = await ImportDockerArchiveAsync(scan, path, ct).ConfigureAwait(false);
            }
            else
            {
                throw new BuildException(ErrorCode.InvalidArchive, $"{path}: neither an OCI archive (index.json, oci-layout) nor a docker archive (manifest.json)");
            }
        }
        else
        {
            throw new BuildException(ErrorCode.NotFound, $"{path}: no such file or directory");
        }

        if (name is not null)
        {
            if (found.Count != 1)
                throw new BuildException(ErrorCode.InvalidArgument, $"{path} holds {found.Count} images; a name can be given to exactly one");
            found[0].Names.Add(name);
        }
        var result = new List<ImportedImage>();
        foreach (var (manifest, config, names) in found)
        {
            var distinct = names.DistinctBy(n => n.ToString()).ToList();
            foreach (var n in distinct)
                await _images.SetAsync(n, manifest, ct).ConfigureAwait(false);
            if (distinct.Count == 0)
                await _images.AddUntaggedAsync(manifest, ct).ConfigureAwait(false);
            result.Add(new ImportedImage(manifest, config, distinct));
        }
        return result;
    }

    private async Task<List<(Descriptor, Digest, List<ImageReference>)>> ImportLayoutAsync(ILayoutSource source, string path, CancellationToken ct)
    {
        var header = OciJson.Read(await source.ReadFileAsync("oci-layout", ct).ConfigureAwait(false), OciJson.Context.OciLayoutHeader, $"{path}: oci-layout");
        if (!header.ImageLayoutVersion.StartsWith("1.", StringComparison.Ordinal))
            throw new BuildException(ErrorCode.InvalidArchive, $"{path}: unsupported image layout version \"{header.ImageLayoutVersion}\"");
        var index = OciJson.ReadIndex(await source.ReadFileAsync("index.json", ct).ConfigureAwait(false), $"{path}: index.json");
        var found = new List<(Descriptor, Digest, List<ImageReference>)>();
        foreach (var d in index.Manifests)
        {
            var names = new List<ImageReference>();
            if (NameFromAnnotations(d) is { } n)
                names.Add(n);
            var (manifest, config) = await ImportManifestAsync(source, d, path, depth: 0, ct).ConfigureAwait(false);
            found.Add((manifest, config, names));
        }
        return found;
    }

    /// <summary>
    /// containerd and BuildKit put the full name in io.containerd.image.name; skopeo and umoci put
    /// only a tag in org.opencontainers.image.ref.name ("oci:dir:latest"), which names no repository,
    /// so it is used only when it is a full reference.
    /// </summary>
    private static ImageReference? NameFromAnnotations(Descriptor d)
    {
        if (d.Annotation(ImageStore.NameAnnotation) is { } full && ImageReference.TryParse(full, out var n1) && n1!.Tag is not null)
            return n1;
        if (d.Annotation(RefNameAnnotation) is { } refName && (refName.Contains('/', StringComparison.Ordinal) || refName.Contains(':', StringComparison.Ordinal))
            && ImageReference.TryParse(refName, out var n2) && n2!.Tag is not null)
            return n2;
        return null;
    }

    private async Task<(Descriptor, Digest)> ImportManifestAsync(ILayoutSource source, Descriptor d, string path, int depth, CancellationToken ct)
    {
        await source.EnsureBlobAsync(d, ct).ConfigureAwait(false);
        byte[] raw = await _content.ReadAllAsync(d.Digest, ct).ConfigureAwait(false);
        switch (OciJson.DetectKind(raw))
        {
            case ManifestKind.Index when depth < 4:
                var index = OciJson.ReadIndex(raw, $"{path}: index {d.Digest}");
                var child = StoredImage.SelectManifest(index, Platform)
                    ?? throw new BuildException(ErrorCode.NotFound, $"{path}: index {d.Digest} has no image for {Platform}");
                return await ImportManifestAsync(source, child, path, depth + 1, ct).ConfigureAwait(false);
            case ManifestKind.Manifest:
                var manifest = OciJson.ReadManifest(raw, $"{path}: manifest {d.Digest}");
                await source.EnsureBlobAsync(manifest.Config, ct).ConfigureAwait(false);
                var config = OciJson.ReadConfig(await _content.ReadAllAsync(manifest.Config.Digest, ct).ConfigureAwait(false), $"{path}: config {manifest.Config.Digest}");
                if (config.RootFs.DiffIds.Count != manifest.Layers.Count)
                    throw new BuildException(ErrorCode.InvalidImage, $"{path}: manifest {d.Digest} has {manifest.Layers.Count} layers but its config lists {config.RootFs.DiffIds.Count} diff_ids");
                foreach (var layer in manifest.Layers)
                    await source.EnsureBlobAsync(layer, ct).ConfigureAwait(false);
                return (new Descriptor { MediaType = manifest.MediaType ?? d.MediaType, Digest = d.Digest, Size = d.Size, Platform = d.Platform }, manifest.Config.Digest);
            default:
                throw new BuildException(ErrorCode.InvalidImage, $"{path}: blob {d.Digest} is not an image manifest or index");
        }
    }

    private async Task<List<(Descriptor, Digest, List<ImageReference>)>> ImportDockerArchiveAsync(ArchiveScan scan, string path, CancellationToken ct)
    {
        var entries = OciJson.Read(await scan.ReadFileAsync("manifest.json", _content, ct).ConfigureAwait(false), OciJson.Context.DockerArchiveEntryArray, $"{path}: manifest.json");
        var found = new List<(Descriptor, Digest, List<ImageReference>)>();
        var used = new HashSet<Digest>();
        foreach (var entry in entries)
        {
            byte[] rawConfig = await scan.ReadFileAsync(entry.Config, _content, ct).ConfigureAwait(false);
            var configDigest = Digest.Compute(rawConfig);
            // Legacy archives name the config "<sha256 hex>.json": check it so a tampered config is caught.
            string configFile = Path.GetFileNameWithoutExtension(entry.Config);
            if (configFile.Length == 64 && Digest.TryParse("sha256:" + configFile, out var named) && named != configDigest)
                throw new BuildException(ErrorCode.DigestMismatch, $"{path}: {entry.Config} hashes to {configDigest}");
            var config = OciJson.ReadConfig(rawConfig, $"{path}: {entry.Config}");
            if (config.RootFs.DiffIds.Count != entry.Layers.Count)
                throw new BuildException(ErrorCode.InvalidImage, $"{path}: {entry.Config} lists {config.RootFs.DiffIds.Count} diff_ids but manifest.json lists {entry.Layers.Count} layers");
            var layers = new List<Descriptor>();
            for (int i = 0; i < entry.Layers.Count; i++)
            {
                var stored = await scan.LayerAsync(entry.Layers[i], _content, ct).ConfigureAwait(false);
                if (stored.DiffId != config.RootFs.DiffIds[i])
                    throw new BuildException(ErrorCode.DigestMismatch, $"{path}: {entry.Layers[i]} has diff-id {stored.DiffId}, but the config lists {config.RootFs.DiffIds[i]}");
                layers.Add(stored.Blob.ToDescriptor(stored.MediaType));
                used.Add(stored.Blob.Digest);
            }
            await _content.WriteAsync(rawConfig, configDigest, ct).ConfigureAwait(false);
            used.Add(configDigest);
            var manifest = new ImageManifest
            {
                MediaType = MediaTypes.OciManifest,
                Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = configDigest, Size = rawConfig.Length },
                Layers = layers,
            };
            byte[] rawManifest = OciJson.Serialize(manifest);
            var stored2 = await _content.WriteAsync(rawManifest, null, ct).ConfigureAwait(false);
            var names = (entry.RepoTags ?? []).Select(t => ImageReference.TryParse(t, out var n) ? n! : throw new BuildException(ErrorCode.InvalidArchive, $"{path}: manifest.json: invalid RepoTag \"{t}\"")).ToList();
            found.Add((stored2.ToDescriptor(MediaTypes.OciManifest), configDigest, names));
        }
        // Uncompressed layer blobs (Docker 25+ without an index) were re-stored gzip'd; drop the raw copies this import added.
        foreach (var d in scan.NewBlobs)
        {
            if (!used.Contains(d))
                await _content.DeleteAsync(d, ct).ConfigureAwait(false);
        }
        return found;
    }

    private async Task AddRepoTagsAsync(ArchiveScan scan, string path, List<(Descriptor Manifest, Digest Config, List<ImageReference> Names)> found, CancellationToken ct)
    {
        var entries = OciJson.Read(await scan.ReadFileAsync("manifest.json", _content, ct).ConfigureAwait(false), OciJson.Context.DockerArchiveEntryArray, $"{path}: manifest.json");
        foreach (var entry in entries)
        {
            if (!scan.Blobs.TryGetValue(scan.Resolve(entry.Config), out var configDigest))
                continue;
            foreach (var f in found.Where(f => f.Config == configDigest))
            {
                foreach (string tag in entry.RepoTags ?? [])
                {
                    if (ImageReference.TryParse(tag, out var n))
                        f.Names.Add(n!);
                }
            }
        }
    }

    private interface ILayoutSource
    {
        Task<byte[]> ReadFileAsync(string name, CancellationToken ct);

        /// <summary>Makes sure the blob is in the content store, verified against <paramref name="d"/>.</summary>
        Task EnsureBlobAsync(Descriptor d, CancellationToken ct);
    }

    private sealed class DirectorySource(string directory, IContentStore content) : ILayoutSource
    {
        public async Task<byte[]> ReadFileAsync(string name, CancellationToken ct)
        {
            string file = Path.Combine(directory, name);
            return File.Exists(file)
                ? await File.ReadAllBytesAsync(file, ct).ConfigureAwait(false)
                : throw new BuildException(ErrorCode.InvalidArchive, $"{directory}: not an OCI image layout ({name} is missing)");
        }

        public async Task EnsureBlobAsync(Descriptor d, CancellationToken ct)
        {
            if (await content.ExistsAsync(d.Digest, ct).ConfigureAwait(false))
                return;
            // The path is built from a parsed digest (fixed alphabet), so it cannot leave the layout.
            string file = Path.Combine(directory, "blobs", d.Digest.Algorithm, d.Digest.Hex);
            if (!File.Exists(file))
                throw new BuildException(ErrorCode.InvalidArchive, $"{directory}: blob {d.Digest} ({d.MediaType}) is missing");
            try
            {
                await using var s = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                await content.WriteAsync(s, d.Digest, d.Size, ct).ConfigureAwait(false);
            }
            catch (BuildException e) when (e.Code == ErrorCode.DigestMismatch)
            {
                throw new BuildException(ErrorCode.DigestMismatch, $"{file}: {e.Message}", e);
            }
        }
    }

    private sealed class ArchiveSource(ArchiveScan scan, IContentStore content, string archive) : ILayoutSource
    {
        public Task<byte[]> ReadFileAsync(string name, CancellationToken ct) => scan.ReadFileAsync(name, content, ct);

        public async Task EnsureBlobAsync(Descriptor d, CancellationToken ct)
        {
            if (!await content.ExistsAsync(d.Digest, ct).ConfigureAwait(false))
                throw new BuildException(ErrorCode.InvalidArchive, $"{archive}: blob {d.Digest} ({d.MediaType}) is missing");
            long size = await content.GetSizeAsync(d.Digest, ct).ConfigureAwait(false);
            if (size != d.Size)
                throw new BuildException(ErrorCode.DigestMismatch, $"{archive}: blob {d.Digest} is {size} bytes, but its descriptor says {d.Size}");
        }
    }
}
