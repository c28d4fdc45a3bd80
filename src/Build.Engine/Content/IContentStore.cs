using Build.Engine.Oci;

namespace Build.Engine.Content;

/// <summary>
/// Content-addressed blob storage. Writes are atomic, verified and idempotent: a blob is visible
/// only once complete and hashing to its name; writing an existing blob is a no-op; a mismatch
/// throws <see cref="Errors.ErrorCode.DigestMismatch"/> and leaves nothing behind.
/// </summary>
public interface IContentStore
{
    Task<bool> ExistsAsync(Digest digest, CancellationToken ct);

    /// <summary>Opens a blob for reading; throws NotFound naming the digest when it is absent.</summary>
    Task<Stream> OpenReadAsync(Digest digest, CancellationToken ct);

    Task<byte[]> ReadAllAsync(Digest digest, CancellationToken ct);

    Task<long> GetSizeAsync(Digest digest, CancellationToken ct);

    Task<StoredBlob> WriteAsync(ReadOnlyMemory<byte> content, Digest? expected, CancellationToken ct);

    /// <summary>Copies <paramref name="content"/> to the end; when <paramref name="expected"/> is given and present, returns without reading.</summary>
    Task<StoredBlob> WriteAsync(Stream content, Digest? expected, long? expectedSize, CancellationToken ct);

    /// <summary>A stream for producers that learn the digest while writing (a layer being compressed).</summary>
    ContentWriter OpenWriter();

    IAsyncEnumerable<Digest> ListAsync(CancellationToken ct);

    /// <summary>Removes a blob; false when it was not there.</summary>
    Task<bool> DeleteAsync(Digest digest, CancellationToken ct);

    /// <summary>Re-hashes a blob and returns the digest of what is actually stored.</summary>
    Task<Digest> RehashAsync(Digest digest, CancellationToken ct);
}
