using Build.Engine.Oci;

namespace Build.Engine.Content;

/// <summary>What <see cref="ImageImporter"/> stored: the manifest, its image ID (config digest) and the names given to it.</summary>
public sealed record ImportedImage(Descriptor Manifest, Digest ConfigDigest, IReadOnlyList<ImageReference> Names);
