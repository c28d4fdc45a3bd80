namespace Build.Engine.Oci;

/// <summary>
/// <c>FROM scratch</c>: an OCI image with no layers and a config that names only the platform.
/// It has no creation time, so it has the same digest everywhere.
/// </summary>
public static class EmptyImage
{
    public static IImage For(Platform platform)
    {
        var config = new ImageConfig
        {
            Architecture = platform.Architecture,
            OS = platform.OS,
            Variant = platform.Variant,
            OSVersion = platform.OSVersion,
            OSFeatures = platform.OSFeatures,
            RootFs = new RootFs(),
        };
        var manifest = new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = Digest.Compute([]), Size = 0 },
        };
        return Image.Create(manifest, config, []);
    }
}
