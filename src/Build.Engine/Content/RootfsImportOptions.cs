using Build.Engine.Archive;
using Build.Engine.Oci;

namespace Build.Engine.Content;

/// <summary>How <see cref="RootfsImporter"/> makes the image.</summary>
public sealed record RootfsImportOptions
{
    public Platform Platform { get; init; } = Platform.Host;

    /// <summary>The image's creation time (config and history); null leaves it out, for reproducible images.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>How a directory is written as a layer (compression, SOURCE_DATE_EPOCH clamping).</summary>
    public LayerWriteOptions? Layer { get; init; }

    /// <summary>A change to the run configuration (e.g. CMD), like docker import --change.</summary>
    public Func<ContainerConfig, ContainerConfig>? Change { get; init; }
}
