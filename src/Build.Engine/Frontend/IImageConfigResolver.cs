using Build.Engine.Graph;

namespace Build.Engine.Frontend;

/// <summary>
/// Gives the frontend the configuration of a base image (ENV, WORKDIR, USER, SHELL, ONBUILD...), which it needs
/// to expand variables, resolve relative paths, wrap shell forms and inject ONBUILD triggers exactly as BuildKit
/// does. The solver implements it over its image store/registry. Null means "unknown image": the frontend then
/// assumes an empty configuration and the solver reports the missing image when it pulls.
/// </summary>
public interface IImageConfigResolver
{
    /// <param name="reference">Normalised reference, e.g. <c>docker.io/library/alpine:3.20</c>.</param>
    /// <param name="platform">The stage's platform, e.g. <c>linux/amd64</c>.</param>
    ValueTask<ImageConfigState?> ResolveAsync(string reference, string platform, CancellationToken cancellationToken);
}
