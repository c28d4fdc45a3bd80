using Build.Engine.Errors;
using Build.Engine.Export;

namespace Build.Cli.Options;

/// <summary>Turns <c>--output</c> / <c>-o</c> values into typed <see cref="ExportTarget"/>s, with buildx's shorthands.</summary>
public static class OutputSpec
{
    /// <summary>
    /// <c>type=image|oci|docker|local|tar,dest=…,name=…,push=true</c>. As in buildx, a bare path means
    /// <c>type=local,dest=PATH</c> and <c>-</c> means <c>type=tar,dest=-</c>.
    /// </summary>
    public static ExportTarget Parse(string text, IReadOnlyList<string> tags)
    {
        if (text == "-")
            return new ExportTarget(ExportType.Tar, "-", [], false);
        if (!text.Contains('=', StringComparison.Ordinal))
            return new ExportTarget(ExportType.Local, text, [], false);

        var fields = CsvFields.Parse("--output", text);
        string? type = null, dest = null;
        var names = new List<string>();
        bool push = false, tar = true;
        foreach (var (k, v) in fields)
        {
            switch (k)
            {
                case "type": type = v; break;
                case "dest": dest = v; break;
                case "name":
                    names.AddRange(v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "push": push = Bool(v, "push"); break;
                case "tar": tar = Bool(v, "tar"); break;
                // Accepted for compatibility; our exporters always write what these ask for.
                case "oci-mediatypes" or "compression" or "compression-level" or "force-compression" or "unpack" or "store" or "annotation" or "rewrite-timestamp":
                    break;
                default:
                    throw new BuildException(ErrorCode.InvalidArgument, $"--output: unknown attribute \"{k}\" in \"{text}\"");
            }
        }
        var exportType = type switch
        {
            "image" => ExportType.Image,
            "registry" => ExportType.Registry,
            "oci" => ExportType.Oci,
            "docker" => ExportType.Docker,
            "local" => ExportType.Local,
            "tar" => ExportType.Tar,
            null => throw new BuildException(ErrorCode.InvalidArgument, $"--output: missing type= in \"{text}\""),
            _ => throw new BuildException(ErrorCode.InvalidArgument, $"--output: unknown type \"{type}\" (expected image, registry, oci, docker, local or tar)"),
        };
        if (type == "registry")
            push = true;
        if (names.Count == 0 && exportType is ExportType.Image or ExportType.Registry or ExportType.Docker or ExportType.Oci)
            names.AddRange(tags);
        if (exportType is ExportType.Local or ExportType.Tar or ExportType.Oci or ExportType.Docker && dest is null)
            throw new BuildException(ErrorCode.InvalidArgument, $"--output: type={type} needs dest=");
        if (exportType is ExportType.Image or ExportType.Registry && push && names.Count == 0)
            throw new BuildException(ErrorCode.InvalidArgument, "--output: push=true needs name= or -t");
        return new ExportTarget(exportType, dest, names, push, tar);
    }

    private static bool Bool(string v, string name) => v.ToLowerInvariant() switch
    {
        "" or "true" or "1" => true,
        "false" or "0" => false,
        _ => throw new BuildException(ErrorCode.InvalidArgument, $"--output: {name}= expects true or false, got \"{v}\""),
    };
}
