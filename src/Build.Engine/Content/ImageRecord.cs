using Build.Engine.Oci;

namespace Build.Engine.Content;

/// <summary>One image-store entry: a name (null for an untagged image) and the manifest it points at.</summary>
public sealed record ImageRecord(ImageReference? Name, Descriptor Target, DateTimeOffset? Updated)
{
    /// <summary>The manifest digest.</summary>
    public Digest Digest => Target.Digest;
}
