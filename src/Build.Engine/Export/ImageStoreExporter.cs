using Build.Engine.Content;
using Build.Engine.Oci;

namespace Build.Engine.Export;

/// <summary>Stores the image in the local content and image stores (what <c>builder build -t</c> does by default).</summary>
public sealed class ImageStoreExporter(ImageStore images) : IImageExporter
{
    public Task ExportAsync(IImage image, IReadOnlyList<ImageReference> names, CancellationToken ct) => images.PutImageAsync(image, names, ct);
}
