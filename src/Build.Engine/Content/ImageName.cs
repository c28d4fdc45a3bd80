using System.Text.RegularExpressions;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Content;

/// <summary>
/// An image name as docker normalizes it: <c>[domain/]path[:tag][@digest]</c>, domain docker.io and
/// the library/ prefix implied for one-component names, tag "latest" when neither tag nor digest is
/// given. <see cref="ToString"/> is the familiar form docker prints ("busybox:latest"),
/// <see cref="Canonical"/> the full one ("docker.io/library/busybox:latest").
/// </summary>
public sealed partial record ImageName
{
    public const string DefaultDomain = "docker.io";

    private ImageName(string domain, string path, string? tag, Digest? digest)
    {
        Domain = domain;
        Path = path;
        Tag = tag;
        Digest = digest;
    }

    public string Domain { get; }

    public string Path { get; }

    public string? Tag { get; }

    public Digest? Digest { get; }

    /// <summary>Repository in familiar form: "busybox", "ghcr.io/o/r", "localhost:5000/x".</summary>
    public string Repository
    {
        get
        {
            if (Domain != DefaultDomain)
                return Domain + "/" + Path;
            return Path.StartsWith("library/", StringComparison.Ordinal) && Path.IndexOf('/', 8) < 0 ? Path[8..] : Path;
        }
    }

    public string CanonicalRepository => Domain + "/" + Path;

    public string Canonical => CanonicalRepository + Suffix;

    private string Suffix => (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    public override string ToString() => Repository + Suffix;

    public static bool TryParse(string text, out ImageName? name)
    {
        name = null;
        if (string.IsNullOrEmpty(text) || text.Length > 512)
            return false;
        string rest = text;
        Digest? digest = null;
        int at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            if (!Oci.Digest.TryParse(rest[(at + 1)..], out var d))
                return false;
            digest = d;
            rest = rest[..at];
        }
        string? tag = null;
        int colon = rest.LastIndexOf(':');
        if (colon > rest.LastIndexOf('/'))
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!TagPattern().IsMatch(tag))
                return false;
        }
        string domain = DefaultDomain;
        string path = rest;
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            string first = rest[..slash];
            if (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost" || first.Any(char.IsAsciiLetterUpper))
            {
                domain = first;
                path = rest[(slash + 1)..];
            }
        }
        if (domain == "index.docker.io")
            domain = DefaultDomain;
        if (!DomainPattern().IsMatch(domain) || path.Length == 0 || !path.Split('/').All(c => ComponentPattern().IsMatch(c)))
            return false;
        if (domain == DefaultDomain && !path.Contains('/', StringComparison.Ordinal))
            path = "library/" + path;
        if (tag is null && digest is null)
            tag = "latest";
        name = new ImageName(domain, path, tag, digest);
        return true;
    }

    public static ImageName Parse(string text) =>
        TryParse(text, out var n) ? n! : throw new BuildException(ErrorCode.InvalidArgument,
            $"invalid image name \"{text}\": expected [registry/]repository[:tag][@digest] in lower case");

    [GeneratedRegex("^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")]
    private static partial Regex ComponentPattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex("^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]+)?$")]
    private static partial Regex DomainPattern();
}
