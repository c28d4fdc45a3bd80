using Build.Engine.Oci;

namespace Build.Engine.Solving;

/// <summary>
/// Resolves the image references a build uses (FROM, COPY --from, RUN --mount from=) to images whose blobs are in
/// the content store: from the local image store, pulling from a registry when missing (or always, with --pull).
/// </summary>
public interface IImageSource
{
    Task<IImage> GetImageAsync(string reference, Platform platform, CancellationToken ct);
}
