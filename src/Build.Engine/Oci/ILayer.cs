namespace Build.Engine.Oci;

/// <summary>
/// A layer: a few facts known when the object is made, plus stream openers. The opener may fail
/// (missing blob, I/O); the facts never do.
/// </summary>
public interface ILayer
{
    /// <summary>Digest of the blob as stored and shipped (compressed).</summary>
    Digest Digest { get; }

    /// <summary>Digest of the uncompressed tar; what the config's rootfs.diff_ids lists.</summary>
    Digest DiffId { get; }

    /// <summary>Size in bytes of the blob as stored (compressed).</summary>
    long Size { get; }

    string MediaType { get; }

    Task<Stream> OpenCompressedAsync(CancellationToken ct);

    Task<Stream> OpenUncompressedAsync(CancellationToken ct);
}
