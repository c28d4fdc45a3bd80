using Build.Engine.Content;
using Build.Engine.Oci;

namespace Build.Engine.Registry;

/// <summary>
/// What a pull stored: the platform manifest (and the index it was selected from, if any), its config
/// and layers, all present in the store the pull wrote to.
/// </summary>
public sealed record PulledImage(
    ImageReference Reference,
    RemoteDescriptor Manifest,
    RemoteDescriptor Config,
    IReadOnlyList<RemoteDescriptor> Layers,
    Digest? IndexDigest);
