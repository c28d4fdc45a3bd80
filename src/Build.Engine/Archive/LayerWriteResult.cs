using Build.Engine.Oci;

namespace Build.Engine.Archive;

/// <summary>
/// The identity of a written layer: <paramref name="DiffId"/> is the sha256 of the uncompressed tar (what
/// the image config lists), <paramref name="Digest"/> and <paramref name="Size"/> describe the blob as
/// written (what the manifest lists).
/// </summary>
public sealed record LayerWriteResult(Digest DiffId, Digest Digest, long Size, string MediaType, long UncompressedSize)
{
    /// <summary>
    /// True when the layer has no entries (its tar is the 1024-byte end marker alone). BuildKit drops
    /// such layers from the image and marks the history entry <c>empty_layer</c>; callers should too.
    /// </summary>
    public bool IsEmpty => DiffId == EmptyLayer.DiffId;

    /// <summary>True when <see cref="LayerWriteOptions.UnpackInto"/> was given and now holds the whole layer, unpacked.</summary>
    public bool Unpacked { get; init; }
}
