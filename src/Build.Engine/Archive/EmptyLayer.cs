using Build.Engine.Oci;

namespace Build.Engine.Archive;

/// <summary>
/// The layer with no entries: a tar of two zero blocks. For gzip we emit byte-for-byte the blob Go's
/// compress/gzip makes of it (BuildKit's <c>exptypes.EmptyGZLayer</c>, digest
/// <c>sha256:4f4fb700ef54461cfa02571ae0db9a0dc1e0cdb5577484a6d75e68dc38e8acc1</c>), so an empty layer we
/// write is the same blob BuildKit, containerd and registries already know.
/// </summary>
public static class EmptyLayer
{
    /// <summary>The uncompressed tar: the end-of-archive marker alone.</summary>
    public static ReadOnlyMemory<byte> Tar { get; } = new byte[1024];

    /// <summary>Go's gzip encoding of <see cref="Tar"/> (32 bytes).</summary>
    public static ReadOnlyMemory<byte> Gzip { get; } = Convert.FromHexString("1f8b08000000000000ff621805a360148c5800080000ffff2eafb5ef00040000");

    public static Digest DiffId { get; } = Digest.Compute(Tar.Span);

    public static Digest GzipDigest { get; } = Digest.Compute(Gzip.Span);
}
