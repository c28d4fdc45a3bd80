using System.CommandLine;
using Build.Engine.Content;
using Build.Engine.Oci;

namespace Build.Cli;

/// <summary>How commands reach registries. The build's FROM falls back to a pull when the image is not stored.</summary>
internal static class RegistryAccess
{
    /// <summary>The puller for <see cref="Build.Engine.BuildService"/>; null until a registry client is wired in.</summary>
    public static Func<string, Platform, IContentStore, CancellationToken, Task<IImage>>? CreatePuller(ParseResult parseResult) => null;
}
