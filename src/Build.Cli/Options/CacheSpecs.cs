using Build.Engine.Content;
using Build.Engine.Caching.Remote;
using Build.Engine.Errors;
using Build.Engine.Registry;

namespace Build.Cli.Options;

/// <summary>
/// Turns <c>--cache-from</c> / <c>--cache-to</c> values into typed <see cref="RemoteCacheSpec"/>s, buildx's syntax:
/// <c>type=registry,ref=REF[,mode=min|max]</c>, <c>type=local,dest=DIR</c> (export) / <c>type=local,src=DIR</c>
/// (import); a bare value is a registry reference.
/// </summary>
public static class CacheSpecs
{
    public static RemoteCacheSpec Parse(string flag, string text, bool export)
    {
        if (!text.Contains('=', StringComparison.Ordinal))
            return new RemoteCacheSpec(RemoteCacheType.Registry, Reference(flag, text));
        string? type = null, reference = null, dir = null, tag = null;
        var mode = CacheExportMode.Min;
        foreach (var (k, v) in CsvFields.Parse(flag, text))
        {
            switch (k)
            {
                case "type": type = v; break;
                case "ref": reference = v; break;
                case "dest" when export: dir = v; break;
                case "src" when !export: dir = v; break;
                case "tag": tag = v; break;
                case "mode" when export:
                    mode = v.ToLowerInvariant() switch
                    {
                        "min" => CacheExportMode.Min,
                        "max" => CacheExportMode.Max,
                        _ => throw new BuildException(ErrorCode.InvalidArgument, $"{flag}: invalid mode \"{v}\" (expected min or max)"),
                    };
                    break;
                // Accepted for compatibility with buildx; our format has one layout and no options for these.
                case "oci-mediatypes" or "image-manifest" or "compression" or "compression-level" or "force-compression" or "ignore-error" or "digest":
                    break;
                default:
                    throw new BuildException(ErrorCode.InvalidArgument, $"{flag}: unknown attribute \"{k}\" in \"{text}\"");
            }
        }
        return type switch
        {
            "registry" => new RemoteCacheSpec(RemoteCacheType.Registry,
                Reference(flag, reference ?? throw new BuildException(ErrorCode.InvalidArgument, $"{flag}: type=registry needs ref=")), mode),
            "local" => new RemoteCacheSpec(RemoteCacheType.Local,
                dir ?? throw new BuildException(ErrorCode.InvalidArgument, $"{flag}: type=local needs {(export ? "dest" : "src")}="), mode,
                tag ?? "latest"),
            null => throw new BuildException(ErrorCode.InvalidArgument, $"{flag}: missing type= in \"{text}\""),
            _ => throw new BuildException(ErrorCode.InvalidArgument, $"{flag}: unsupported cache type \"{type}\" (expected registry or local)"),
        };
    }

    private static string Reference(string flag, string text) =>
        ImageReference.TryParse(text, out var r) ? r.ToString()
            : throw new BuildException(ErrorCode.InvalidArgument, $"{flag}: invalid reference format: \"{text}\"");
}
