namespace Build.Engine.Oci;

/// <summary>
/// Pure functions from an image to a new image: the input is never changed, the output has its
/// config and manifest re-serialized and every digest recomputed.
/// The output is always an OCI manifest: appending an OCI layer to a Docker schema 2 manifest would
/// produce a manifest registries reject, so Docker media types are mapped to their OCI equivalents
/// (the blobs are untouched; only descriptors change), as BuildKit does with oci-mediatypes.
/// </summary>
public static class Mutate
{
    /// <summary>Adds a layer on top, its diff-id to rootfs and a history entry (with empty_layer cleared).</summary>
    public static Image AppendLayer(IImage image, ILayer layer, HistoryEntry history)
    {
        var config = image.Config with
        {
            RootFs = image.Config.RootFs with { DiffIds = ValueList.From(image.Config.RootFs.DiffIds)!.Add(layer.DiffId) },
            History = (ValueList.From(image.Config.History) ?? ValueList<HistoryEntry>.Empty).Add(history with { EmptyLayer = false }),
        };
        var manifest = OciManifestOf(image) with { Layers = ValueList.From(OciManifestOf(image).Layers)!.Add(layer.ToDescriptor()) };
        return Image.Create(manifest, config, [.. image.Layers, layer]);
    }

    /// <summary>Records a step that made no layer (ENV, CMD, LABEL…): a history entry with empty_layer set.</summary>
    public static Image AppendEmptyLayerHistory(IImage image, HistoryEntry history) =>
        WithImageConfig(image, c => c with { History = (ValueList.From(c.History) ?? ValueList<HistoryEntry>.Empty).Add(history with { EmptyLayer = true }) });

    /// <summary>Changes the run configuration (Env, Cmd, User…); a missing config section starts empty.</summary>
    public static Image WithConfig(IImage image, Func<ContainerConfig, ContainerConfig> change) =>
        WithImageConfig(image, c => c with { Config = change(c.Config ?? new ContainerConfig()) });

    /// <summary>Sets the config's creation time (callers pass an injected clock's time or SOURCE_DATE_EPOCH).</summary>
    public static Image WithCreated(IImage image, DateTimeOffset? created) => WithImageConfig(image, c => c with { Created = created });

    /// <summary>Sets os, architecture, variant, os.version and os.features.</summary>
    public static Image WithPlatform(IImage image, Platform platform) => WithImageConfig(image, c => c with
    {
        OS = platform.OS,
        Architecture = platform.Architecture,
        Variant = platform.Variant,
        OSVersion = platform.OSVersion,
        OSFeatures = platform.OSFeatures,
    });

    /// <summary>Sets or replaces manifest annotations (e.g. org.opencontainers.image.base.name).</summary>
    public static Image WithManifestAnnotations(IImage image, IReadOnlyDictionary<string, string> annotations)
    {
        var current = ValueMap.From(image.Manifest.Annotations) ?? ValueMap<string>.Empty;
        foreach (var (k, v) in annotations)
            current = current.SetItem(k, v);
        return Image.Create(OciManifestOf(image) with { Annotations = current }, image.Config, image.Layers);
    }

    /// <summary>The general form: any change to the image config.</summary>
    public static Image WithImageConfig(IImage image, Func<ImageConfig, ImageConfig> change) =>
        Image.Create(OciManifestOf(image), change(image.Config), image.Layers);

    private static ImageManifest OciManifestOf(IImage image)
    {
        var m = image.Manifest;
        if (m.MediaType == MediaTypes.OciManifest && m.Config.MediaType == MediaTypes.OciConfig && m.Layers.All(l => LayerMediaTypes.ToOci(l.MediaType) == l.MediaType))
            return m;
        return m with
        {
            MediaType = MediaTypes.OciManifest,
            Config = m.Config with { MediaType = LayerMediaTypes.ToOci(m.Config.MediaType) },
            Layers = m.Layers.Select(l => l with { MediaType = LayerMediaTypes.ToOci(l.MediaType) }).ToList(),
        };
    }
}
