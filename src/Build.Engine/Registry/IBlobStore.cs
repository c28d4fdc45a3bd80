using Build.Engine.Oci;

namespace Build.Engine.Registry;

/// <summary>
/// Where a pull puts blobs and a push reads them from: the least a content-addressed store must offer
/// the registry code (<see cref="ContentStoreBlobs"/> adapts the engine's content store,
/// <see cref="OciLayoutStore"/> is an OCI image layout). <see cref="WriteAsync"/> must be atomic
/// (nothing is visible under the digest until the fill succeeded and the bytes hash to it) and idempotent.
/// </summary>
public interface IBlobStore
{
    Task<bool> ContainsAsync(Digest digest, CancellationToken ct);

    /// <summary>Opens a stored blob from its start.</summary>
    Task<Stream> OpenReadAsync(Digest digest, CancellationToken ct);

    /// <summary>
    /// Stores <paramref name="digest"/>: calls <paramref name="fill"/> with a writable stream and the number
    /// of bytes already in it (a partial earlier attempt; only a readable, seekable stream can hold any, and
    /// the fill may resume after re-hashing them), then verifies and publishes the blob.
    /// </summary>
    Task WriteAsync(Digest digest, Func<Stream, long, CancellationToken, Task> fill, CancellationToken ct);

    /// <summary>True when <see cref="WriteAsync"/> itself hashes what the fill writes and refuses a mismatch.</summary>
    bool VerifiesWrites => false;
}
