using Build.Engine.Content;
using Build.Engine.Errors;
using Build.Engine.Oci;
using Build.Engine.Registry;

namespace Build.Engine.Export;

/// <summary>
/// <c>--output type=image,name=REF,push=true</c> and <c>type=registry,name=REF</c>: pushes the built image to
/// every name through <see cref="RegistryPusher"/> (layers concurrently, HEAD skips and cross-repository mounts,
/// then config, then the manifest by tag). Layers are read through the image, so a layer a shared-cache hit left
/// remote is fetched only when the registry lacks it and cannot mount it.
/// </summary>
public sealed class RegistryPushExporter(RegistryClient client, Action<string>? pushed = null) : IImageExporter
{
    public async Task ExportAsync(IImage image, IReadOnlyList<ImageReference> names, CancellationToken ct)
    {
        if (names.Count == 0)
            throw new BuildException(ErrorCode.InvalidArgument, "--output push=true needs name= or -t");
        var pusher = new RegistryPusher(client);
        foreach (var name in names)
        {
            var digest = await pusher.PushAsync(image, name, ct).ConfigureAwait(false);
            pushed?.Invoke($"pushed {name.FamiliarName}@{digest}");
        }
    }
}
