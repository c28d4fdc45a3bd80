using Build.Engine.Content;
using Build.Engine.Oci;

namespace Build.Engine.Export;

/// <summary>
/// A sink for images. Every exporter takes the same <see cref="IImage"/>, whatever produced it (a
/// build, the store, an import), so copying is reading from one source and writing with another.
/// Exporters write atomically: a failed export leaves no partial output.
/// </summary>
public interface IImageExporter
{
    /// <param name="image">The image to write.</param>
    /// <param name="names">Names to record with it (RepoTags, index annotations, store names); may be empty.</param>
    /// <param name="ct">Cancels the export; the output is then not created.</param>
    Task ExportAsync(IImage image, IReadOnlyList<ImageReference> names, CancellationToken ct);
}
