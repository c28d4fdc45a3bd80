using System.Collections.Immutable;

namespace Build.Engine.Archive;

/// <summary>How <see cref="LayerSource.FromDirectory"/> reads a tree.</summary>
public sealed record DirectoryLayerOptions
{
    public WhiteoutFormat Whiteouts { get; init; } = WhiteoutFormat.Oci;

    /// <summary>
    /// Relative paths (e.g. <c>etc/hosts</c>) left out of the layer together with everything below them.
    /// The sandbox bind-mounts files such as /etc/hosts over placeholders; those must never be committed.
    /// </summary>
    public ImmutableArray<string> Exclude { get; init; } = [];

    /// <summary>Read extended attributes (binary values kept). <c>security.selinux</c> is never read: it is a host label.</summary>
    public bool IncludeXattrs { get; init; } = true;
}
