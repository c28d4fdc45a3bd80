using Build.Engine.Oci;

namespace Build.Engine.Registry;

/// <summary>
/// Where a pull puts blobs and a push reads them from: the least a content-addressed store must offer
/// the registry code. <see cref="WriteAsync"/> must be atomic (nothing is visible under the digest
/// until the fill succeeded) and idempotent.
/// </summary>
public interface IBlobStore
{
    bool Contains(Digest digest);

    /// <summary>Opens a stored blob from its start.</summary>
    Stream OpenRead(Digest digest);

    /// <summary>
    /// Stores <paramref name="digest"/>: calls <paramref name="fill"/> with a writable, readable, seekable
    /// stream positioned at its end and the number of bytes already in it (a partial earlier attempt the
    /// fill may resume after verifying them), then publishes the blob. The fill must verify the digest.
    /// </summary>
    Task WriteAsync(Digest digest, Func<Stream, long, CancellationToken, Task> fill, CancellationToken ct);
}
