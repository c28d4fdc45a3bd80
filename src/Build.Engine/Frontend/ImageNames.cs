using Build.Engine.Content;

namespace Build.Engine.Frontend;

/// <summary>
/// Image references in FROM and COPY --from, normalised as BuildKit does (<c>reference.ParseNormalizedNamed</c> then
/// <c>TagNameOnly</c>): <c>alpine</c> becomes <c>docker.io/library/alpine:latest</c>, <c>ghcr.io/x/y@sha256:…</c> is kept.
/// The parsing is <see cref="ImageReference"/>'s; this only words its failures with BuildKit's messages, which the
/// frontend's diagnostics repeat.
/// </summary>
internal static class ImageNames
{
    /// <summary>Normalises <paramref name="reference"/>; returns null with a reason when it is not a valid reference.</summary>
    public static string? TryNormalize(string reference, out string? error)
    {
        if (reference.Length > 512)
        {
            error = "invalid reference format";
            return null;
        }
        if (ImageReference.TryParse(reference, out var parsed, out _, out var problem))
        {
            error = null;
            return parsed.ToString();
        }
        error = problem switch
        {
            ImageReferenceProblem.ImageId => "cannot specify 64-byte hexadecimal strings",
            ImageReferenceProblem.Uppercase => "repository name must be lowercase",
            ImageReferenceProblem.TooLong => "repository name must not be more than 255 characters",
            _ => "invalid reference format",
        };
        return null;
    }
}
