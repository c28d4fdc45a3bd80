using Build.Engine.Content;
using Build.Engine.Oci;

namespace Build.Engine.Export;

/// <summary>
/// The index.json entries for an exported image. Like BuildKit: the full name goes in
/// <c>io.containerd.image.name</c> and the tag alone in <c>org.opencontainers.image.ref.name</c>,
/// which is what <c>skopeo … oci:DIR:TAG</c> and <c>umoci --image DIR:TAG</c> look up.
/// </summary>
internal static class OciLayoutIndex
{
    public const string RefName = "org.opencontainers.image.ref.name";

    public static IReadOnlyList<Descriptor> EntriesFor(IImage image, IReadOnlyList<ImageReference> names)
    {
        var d = image.ManifestDescriptor();
        if (names.Count == 0)
            return [d];
        return [.. names.Select(n => d with
        {
            Annotations = new Dictionary<string, string>
            {
                [ImageStore.NameAnnotation] = n.ToString(),
                [RefName] = n.Tag ?? n.Digest?.ToString() ?? "latest",
            },
        })];
    }

    /// <summary>Adds entries to an existing index, replacing any with the same ref name (a re-save of a tag moves it).</summary>
    public static ImageIndex Merge(ImageIndex? existing, IReadOnlyList<Descriptor> entries)
    {
        var kept = (existing?.Manifests ?? []).Where(old => !entries.Any(e =>
            (e.Annotation(RefName) is { } r && r == old.Annotation(RefName))
            || (e.Annotation(RefName) is null && old.Annotation(RefName) is null && e.Digest == old.Digest)));
        return (existing ?? new ImageIndex()) with { SchemaVersion = 2, MediaType = MediaTypes.OciIndex, Manifests = [.. kept, .. entries] };
    }

    /// <summary>Every blob of the image, with how to open it: layers, config, manifest (dependencies first).</summary>
    public static IEnumerable<(Descriptor Descriptor, Func<CancellationToken, Task<Stream>> Open)> Blobs(IImage image)
    {
        var seen = new HashSet<Digest>();
        foreach (var layer in image.Layers)
        {
            if (seen.Add(layer.Digest))
                yield return (layer.ToDescriptor(), layer.OpenCompressedAsync);
        }
        yield return (image.Manifest.Config, _ => Task.FromResult<Stream>(new MemoryStream(image.RawConfig.ToArray(), writable: false)));
        yield return (image.ManifestDescriptor(), _ => Task.FromResult<Stream>(new MemoryStream(image.RawManifest.ToArray(), writable: false)));
    }
}
