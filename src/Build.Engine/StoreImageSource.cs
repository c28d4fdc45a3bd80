using System.Collections.Concurrent;
using Build.Engine.Content;
using Build.Engine.Errors;
using Build.Engine.Frontend;
using Build.Engine.Graph;
using Build.Engine.Oci;
using Build.Engine.Solving;

namespace Build.Engine;

/// <summary>
/// Images for a build: the local image store first, then the registry (when a puller is configured), as
/// <c>docker build</c> does; with <c>--pull</c> the registry always. Each reference resolves once per build, so
/// every stage sees the same digest even if the tag moves mid-build.
/// </summary>
internal sealed class StoreImageSource(
    ImageStore images,
    IContentStore content,
    Func<string, Platform, IContentStore, CancellationToken, Task<IImage>>? pull,
    bool alwaysPull) : IImageSource, IImageConfigResolver
{
    private readonly ConcurrentDictionary<(string, string), Lazy<Task<IImage>>> resolved = new();

    public Task<IImage> GetImageAsync(string reference, Platform platform, CancellationToken ct) =>
        resolved.GetOrAdd((reference, platform.ToString()), _ => new Lazy<Task<IImage>>(() => ResolveAsync(reference, platform, ct))).Value;

    private async Task<IImage> ResolveAsync(string reference, Platform platform, CancellationToken ct)
    {
        if (!alwaysPull || pull is null)
        {
            if (await images.TryResolveAsync(reference, ct).ConfigureAwait(false) is not null)
            {
                var image = await images.OpenAsync(reference, platform, ct).ConfigureAwait(false);
                // Claim the layers now (the build's content store touches what it checks), so a prune that runs
                // while this build does keeps them even if the image is removed meanwhile.
                foreach (var layer in image.Layers)
                    await content.ExistsAsync(layer.Digest, ct).ConfigureAwait(false);
                return image;
            }
        }
        if (pull is null)
            throw new BuildException(ErrorCode.NotFound, $"image \"{reference}\" is not in the local image store and no registry is configured to pull it (load it with builder load or builder import)");
        return await pull(reference, platform, content, ct).ConfigureAwait(false);
    }

    public async ValueTask<ImageConfigState?> ResolveAsync(string reference, string platform, CancellationToken cancellationToken)
    {
        var image = await GetImageAsync(reference, Platform.Parse(platform), cancellationToken).ConfigureAwait(false);
        return image.Config.ToConfigState();
    }
}
