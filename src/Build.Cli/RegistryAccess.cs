using System.CommandLine;
using Build.Engine.Content;
using Build.Engine.Oci;
using Build.Cli.Commands;
using Build.Engine.Registry;

namespace Build.Cli;

/// <summary>
/// How <c>builder build</c> reaches registries: FROM (and COPY --from, RUN --mount from=) pull an image that is
/// not stored, or always with <c>--pull</c>, into the content store, and record it in the image store under its
/// full name so the next build finds it locally, as docker does.
/// </summary>
internal static class RegistryAccess
{
    /// <summary>Registry options of a build: docker's config for credentials, blob origins remembered under the root.</summary>
    public static RegistryClientOptions CreateOptions(BuilderRoot root, IReadOnlyCollection<string> insecureRegistries, TextWriter log)
    {
        var file = RegistryCommandOptions.ConfigFile(null);
        return new RegistryClientOptions
        {
            InsecureRegistries = new HashSet<string>(insecureRegistries, StringComparer.OrdinalIgnoreCase),
            Credentials = file.Find,
            BlobOriginDirectory = Path.Combine(root.Path, "registry", "blob-origins"),
            Log = line =>
            {
                lock (log)
                    log.WriteLine(line);
            },
        };
    }

    public static Func<string, Platform, IContentStore, CancellationToken, Task<IImage>> CreatePuller(
        BuilderRoot root, IReadOnlyCollection<string> insecureRegistries, TextWriter log) =>
        async (reference, platform, content, ct) =>
        {
            var image = ImageReference.Parse(reference);
            using var client = new RegistryClient(CreateOptions(root, insecureRegistries, log));
            var pulled = await new RegistryPuller(client).PullAsync(image, platform, content, ct).ConfigureAwait(false);
            var store = new ImageStore(root, content, TimeProvider.System);
            var descriptor = new Descriptor { MediaType = pulled.Manifest.MediaType, Digest = pulled.Manifest.Digest, Size = pulled.Manifest.Size };
            await store.SetAsync(image, descriptor, ct).ConfigureAwait(false);
            return await store.OpenAsync(image.ToString(), platform, ct).ConfigureAwait(false);
        };
}
