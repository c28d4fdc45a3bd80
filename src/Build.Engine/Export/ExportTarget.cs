using Build.Engine.Errors;

namespace Build.Engine.Export;

/// <summary>Where and how to save an image; the CLI parses flags into this, exporters never see strings.</summary>
public sealed record ExportTarget(ExportFormat Format, string Path)
{
    /// <summary>Parses a <c>--format</c> value: oci (archive), oci-layout, docker.</summary>
    public static ExportFormat ParseFormat(string text) => text.ToLowerInvariant() switch
    {
        "oci" or "oci-archive" => ExportFormat.OciArchive,
        "oci-layout" or "oci-dir" => ExportFormat.OciLayout,
        "docker" or "docker-archive" => ExportFormat.DockerArchive,
        _ => throw new BuildException(ErrorCode.InvalidArgument, $"invalid --format \"{text}\": expected oci, oci-layout or docker"),
    };

    public IImageExporter CreateExporter() => Format switch
    {
        ExportFormat.OciLayout => new OciLayoutExporter(Path),
        ExportFormat.OciArchive => new OciArchiveExporter(Path),
        ExportFormat.DockerArchive => new DockerArchiveExporter(Path),
        _ => throw new ArgumentOutOfRangeException(nameof(Format)),
    };
}
