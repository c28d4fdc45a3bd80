using System.Text.RegularExpressions;

namespace Build.Engine.Frontend;

/// <summary>
/// Docker image reference validation and normalisation as BuildKit applies it to FROM and COPY --from
/// (<c>reference.ParseNormalizedNamed</c> then <c>TagNameOnly</c>): <c>alpine</c> → <c>docker.io/library/alpine:latest</c>,
/// <c>ghcr.io/x/y@sha256:…</c> kept. Internal until the Registry <c>ImageReference</c> type is on main.
/// </summary>
internal static partial class ImageNames
{
    private const string Component = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
    private const string DomainPart = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private const string Domain = DomainPart + @"(?:\." + DomainPart + ")*(?::[0-9]+)?";

    [GeneratedRegex("^(?:(?<domain>" + Domain + ")/)?(?<path>" + Component + "(?:/" + Component + ")*)"
        + @"(?::(?<tag>[\w][\w.-]{0,127}))?"
        + "(?:@(?<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex ReferencePattern();

    [GeneratedRegex("^[a-f0-9]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex HexIdPattern();

    /// <summary>Normalises <paramref name="reference"/>; returns null with a reason when it is not a valid reference.</summary>
    public static string? TryNormalize(string reference, out string? error)
    {
        error = null;
        if (reference.Length == 0 || reference.Length > 512)
        {
            error = "invalid reference format";
            return null;
        }
        if (HexIdPattern().IsMatch(reference))
        {
            error = "cannot specify 64-byte hexadecimal strings";
            return null;
        }
        // Docker only reads the first component as a domain when it looks like one; "library/x" is a path.
        var slash = reference.IndexOf('/', StringComparison.Ordinal);
        string domain;
        string remainder;
        if (slash < 0)
        {
            domain = "docker.io";
            remainder = reference;
        }
        else
        {
            var first = reference[..slash];
            if (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost"
                || first.Any(char.IsAsciiLetterUpper))
            {
                domain = first == "index.docker.io" ? "docker.io" : first;
                remainder = reference[(slash + 1)..];
            }
            else
            {
                domain = "docker.io";
                remainder = reference;
            }
        }
        if (domain == "docker.io" && !remainder.Contains('/', StringComparison.Ordinal))
            remainder = "library/" + remainder;
        var full = domain + "/" + remainder;
        var match = ReferencePattern().Match(full);
        if (!match.Success)
        {
            error = remainder.Any(char.IsAsciiLetterUpper)
                ? "repository name must be lowercase"
                : "invalid reference format";
            return null;
        }
        var name = match.Groups["domain"].Value + "/" + match.Groups["path"].Value;
        if (name.Length > 255)
        {
            error = "repository name must not be more than 255 characters";
            return null;
        }
        if (!match.Groups["tag"].Success && !match.Groups["digest"].Success)
            return full + ":latest";
        return full;
    }
}
