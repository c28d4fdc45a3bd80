using Build.Engine.Content;
using Build.Engine.Errors;

namespace Build.Engine.Export;

/// <summary>Picks the exporter for a typed <see cref="ExportTarget"/>.</summary>
public static class ImageExporters
{
    /// <summary>
    /// The file-format and store exporters: type=image → the image store, type=oci → oci-archive
    /// (an OCI layout directory with tar=false), type=docker → docker-archive.
    /// </summary>
    public static IImageExporter Create(ExportTarget target, ImageStore images) => target.Type switch
    {
        ExportType.Image => new ImageStoreExporter(images),
        ExportType.Oci when target.Tar => new OciArchiveExporter(Destination(target)),
        ExportType.Oci => new OciLayoutExporter(Destination(target)),
        ExportType.Docker => new DockerArchiveExporter(Destination(target)),
        _ => throw new BuildException(ErrorCode.InvalidArgument, $"type={target.Type.ToString().ToLowerInvariant()} exports a filesystem, not an image"),
    };

    /// <summary>Parses <c>builder save --format</c>: docker, oci (oci-archive) or oci-layout (a directory).</summary>
    public static ExportTarget SaveTarget(string format, string path, IReadOnlyList<string> names) => format.ToLowerInvariant() switch
    {
        "docker" or "docker-archive" => new ExportTarget(ExportType.Docker, path, names, Push: false),
        "oci" or "oci-archive" => new ExportTarget(ExportType.Oci, path, names, Push: false, Tar: true),
        "oci-layout" or "oci-dir" => new ExportTarget(ExportType.Oci, path, names, Push: false, Tar: false),
        _ => throw new BuildException(ErrorCode.InvalidArgument, $"invalid --format \"{format}\": expected docker, oci or oci-layout"),
    };

    private static string Destination(ExportTarget target) =>
        target.Destination is { Length: > 0 } d && d != "-"
            ? d
            : throw new BuildException(ErrorCode.InvalidArgument, $"type={target.Type.ToString().ToLowerInvariant()} needs a file or directory destination (dest=)");
}
