using Build.Engine.Oci;

namespace Build.Engine.Registry;

/// <summary>
/// A manifest or index as fetched: its media type, the digest of its exact bytes (verified) and the
/// bytes themselves. The bytes are kept verbatim because the digest is of them, not of a re-serialization.
/// </summary>
public sealed record RegistryManifest(string MediaType, Digest Digest, ReadOnlyMemory<byte> Content)
{
    public bool IsIndex => MediaType is MediaTypes.OciIndex or MediaTypes.DockerManifestList;
}
