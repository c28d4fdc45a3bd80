using System.Text.RegularExpressions;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Content;

/// <summary>
/// An image reference as docker parses it (distribution/reference's normalized names):
/// <c>[registry[:port]/]path[:tag][@digest]</c>. A missing registry is <c>docker.io</c>, a single path
/// component on docker.io gets the <c>library/</c> namespace, and a reference with neither tag nor digest
/// gets the tag <c>latest</c>. A tag and a digest may both be given; the digest is what gets resolved.
/// The one reference type of the engine: the image store's names, exporters' names, pulls and pushes.
/// <see cref="ToString"/> is the normalized form (<c>docker.io/library/busybox:latest</c>, the image store's key),
/// <see cref="FamiliarName"/> the short one docker prints (<c>busybox:latest</c>).
/// </summary>
public sealed partial record ImageReference
{
    public const string DockerHub = "docker.io";

    /// <summary>The host docker.io's API really lives at.</summary>
    public const string DockerHubApiHost = "registry-1.docker.io";

    public const string DefaultTag = "latest";

    // docker's limit applies to the whole name, registry included.
    private const int MaxNameLength = 255;

    private ImageReference(string registry, string repository, string? tag, Digest? digest)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The registry as written by users (<c>docker.io</c>, <c>localhost:5000</c>, <c>ghcr.io</c>).</summary>
    public string Registry { get; }

    /// <summary>The repository path inside the registry, e.g. <c>library/busybox</c>.</summary>
    public string Repository { get; }

    /// <summary>The tag, or null when only a digest was given.</summary>
    public string? Tag { get; }

    public Digest? Digest { get; }

    /// <summary>The host:port the HTTP API is reached at (docker.io's API is on registry-1.docker.io).</summary>
    public string ApiHost => Registry == DockerHub ? DockerHubApiHost : Registry;

    /// <summary>What goes after <c>/manifests/</c>: the digest when there is one, else the tag.</summary>
    public string ManifestReference => Digest?.ToString() ?? Tag ?? DefaultTag;

    /// <summary>The fully qualified name without tag or digest: <c>docker.io/library/busybox</c>.</summary>
    public string Name => Registry + "/" + Repository;

    /// <summary>The short form docker prints: <c>busybox:latest</c>, <c>user/app:1</c>, <c>localhost:5000/app:1</c>.</summary>
    public string FamiliarName => FamiliarRepository + Suffix;

    /// <summary>The repository as <c>docker images</c> shows it: <c>busybox</c>, <c>user/app</c>, <c>localhost:5000/app</c>.</summary>
    public string FamiliarRepository
    {
        get
        {
            if (Registry != DockerHub)
                return Registry + "/" + Repository;
            return Repository.StartsWith("library/", StringComparison.Ordinal) && Repository.IndexOf('/', 8) < 0
                ? Repository["library/".Length..]
                : Repository;
        }
    }

    private string Suffix => (Tag is null ? "" : ":" + Tag) + (Digest is { } d ? "@" + d : "");

    /// <summary>The normalized form: <c>docker.io/library/busybox:latest</c>.</summary>
    public override string ToString() => Name + Suffix;

    /// <summary>The same repository with another tag (the digest is dropped).</summary>
    public ImageReference WithTag(string tag)
    {
        if (!TagPattern().IsMatch(tag))
            throw new BuildException(ErrorCode.InvalidArgument, $"invalid tag \"{tag}\" for {Name}");
        return new ImageReference(Registry, Repository, tag, null);
    }

    /// <summary>The same repository pinned to a digest (the tag is kept for display).</summary>
    public ImageReference WithDigest(Digest digest) => new(Registry, Repository, Tag, digest);

    /// <summary>The same repository addressed by digest alone (how index children are pushed and fetched).</summary>
    public ImageReference AtDigest(Digest digest) => new(Registry, Repository, null, digest);

    /// <summary>Another repository of the same registry (used for cross-repository blob mounts).</summary>
    public ImageReference InRepository(string repository) => new(Registry, repository, DefaultTag, null);

    public static ImageReference Parse(string text) =>
        TryParse(text, out var reference, out string? error)
            ? reference
            : throw new BuildException(ErrorCode.InvalidArgument, error);

    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ImageReference? reference) =>
        TryParse(text, out reference, out _);

    public static bool TryParse(
        string? text,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ImageReference? reference,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error) =>
        TryParse(text, out reference, out error, out _);

    /// <summary><see cref="TryParse(string?, out ImageReference?, out string?)"/>, also saying which rule failed (the frontend words those as BuildKit does).</summary>
    public static bool TryParse(
        string? text,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ImageReference? reference,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error,
        out ImageReferenceProblem problem)
    {
        reference = null;
        problem = ImageReferenceProblem.Invalid;
        if (string.IsNullOrEmpty(text))
        {
            error = "invalid reference format: empty image reference";
            return false;
        }
        string quoted = "\"" + text + "\"";

        // A 64-hex string alone is an image id, which docker refuses as a name so it is never
        // mistaken for one (pulling "docker.io/library/<id>" would be a surprising network request).
        if (AnonymousIdPattern().IsMatch(text))
        {
            error = $"invalid repository name {quoted}: cannot specify 64-byte hexadecimal strings";
            problem = ImageReferenceProblem.ImageId;
            return false;
        }

        string rest = text;
        Digest? digest = null;
        int at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            string digestText = rest[(at + 1)..];
            if (!Oci.Digest.TryParse(digestText, out var d))
            {
                error = $"invalid reference format: bad digest in {quoted}";
                return false;
            }
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
            {
                error = $"invalid reference format: bad tag \"{tag}\" in {quoted}";
                return false;
            }
        }

        if (rest.Length == 0)
        {
            error = $"invalid reference format: missing repository name in {quoted}";
            return false;
        }

        string registry;
        string path;
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        string first = slash < 0 ? rest : rest[..slash];
        // docker's rule: the first component is a registry when it looks like a host (a dot or a port),
        // is "localhost", or has upper case (repositories cannot, hosts may).
        if (slash >= 0 && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal)
            || first == "localhost" || !first.Equals(first.ToLowerInvariant(), StringComparison.Ordinal)))
        {
            registry = first;
            path = rest[(slash + 1)..];
        }
        else
        {
            registry = DockerHub;
            path = rest;
        }
        if (registry == "index.docker.io")
            registry = DockerHub;
        if (registry == DockerHub && !path.Contains('/', StringComparison.Ordinal))
            path = "library/" + path;

        if (!path.Equals(path.ToLowerInvariant(), StringComparison.Ordinal))
        {
            error = $"invalid reference format: repository name must be lowercase in {quoted}";
            problem = ImageReferenceProblem.Uppercase;
            return false;
        }
        if (!DomainPattern().IsMatch(registry))
        {
            error = $"invalid reference format: bad registry host \"{registry}\" in {quoted}";
            return false;
        }
        if (!PathPattern().IsMatch(path))
        {
            error = $"invalid reference format: bad repository name \"{path}\" in {quoted} (lowercase letters, digits and separators . _ __ - between components)";
            return false;
        }
        if (registry.Length + 1 + path.Length > MaxNameLength)
        {
            error = $"invalid reference format: repository name longer than {MaxNameLength} characters in {quoted}";
            problem = ImageReferenceProblem.TooLong;
            return false;
        }

        if (tag is null && digest is null)
            tag = DefaultTag;
        reference = new ImageReference(registry, path, tag, digest);
        error = null;
        problem = ImageReferenceProblem.None;
        return true;
    }

    [GeneratedRegex("^[a-f0-9]{64}$")]
    private static partial Regex AnonymousIdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    // distribution/reference: path components of lower-case alphanumerics joined by ".", "_", "__" or runs of "-".
    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex PathPattern();

    // A DNS name (components of alphanumerics and inner dashes) or a bracketed IPv6 address, optional port.
    [GeneratedRegex(@"^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DomainPattern();
}

/// <summary>Which rule an image reference broke (<see cref="ImageReference.TryParse(string?, out ImageReference?, out string?, out ImageReferenceProblem)"/>).</summary>
public enum ImageReferenceProblem
{
    None,

    /// <summary>Malformed: a bad tag, digest, registry or path component.</summary>
    Invalid,

    /// <summary>64 hex characters alone: an image ID, never a name.</summary>
    ImageId,

    /// <summary>Upper case in the repository path.</summary>
    Uppercase,

    /// <summary>Registry and path together longer than 255 characters.</summary>
    TooLong,
}
