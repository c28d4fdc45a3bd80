using Build.Engine.Oci;

namespace Build.Engine.Content;

/// <summary>A blob known to be in the content store: its digest and size.</summary>
public readonly record struct StoredBlob(Digest Digest, long Size)
{
    public Descriptor ToDescriptor(string mediaType) => new() { MediaType = mediaType, Digest = Digest, Size = Size };
}
