namespace Build.Engine.Caching.Remote;

/// <summary>Where a shared build cache lives: a registry reference or an OCI image layout directory.</summary>
public enum RemoteCacheType
{
    /// <summary>An OCI manifest pushed to <c>ref=REGISTRY/REPO:TAG</c>.</summary>
    Registry,

    /// <summary>An OCI image layout directory (<c>dest=</c> / <c>src=</c>), the cache named by <see cref="RemoteCacheSpec.Tag"/> in its index.json.</summary>
    Local,
}

/// <summary>Which records <c>--cache-to</c> exports.</summary>
public enum CacheExportMode
{
    /// <summary>Only the final image's chain: the target stage's steps and the stages it is built FROM.</summary>
    Min,

    /// <summary>Every step the build keyed, intermediate stages included.</summary>
    Max,
}

/// <summary>
/// One <c>--cache-from</c> or <c>--cache-to</c>, typed (the CLI parses the strings).
/// <see cref="Location"/> is the image reference for <see cref="RemoteCacheType.Registry"/> and the directory for
/// <see cref="RemoteCacheType.Local"/>; <see cref="Tag"/> names the cache inside a local layout.
/// </summary>
public sealed record RemoteCacheSpec(RemoteCacheType Type, string Location, CacheExportMode Mode = CacheExportMode.Min, string Tag = "latest")
{
    public override string ToString() => Type == RemoteCacheType.Registry ? Location : $"{Location} ({Tag})";
}
