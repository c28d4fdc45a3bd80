using Build.Engine.Content;
using Build.Engine.Oci;

namespace Build.Engine.Registry;

/// <summary>
/// The engine's content store as an <see cref="IBlobStore"/>: pulls stream into its
/// <see cref="ContentWriter"/> (hashing while writing, verified and renamed on commit), pushes read from it.
/// </summary>
public sealed class ContentStoreBlobs(IContentStore content) : IBlobStore
{
    /// <summary>The content writer hashes while writing and commits only a matching digest.</summary>
    public bool VerifiesWrites => true;

    public Task<bool> ContainsAsync(Digest digest, CancellationToken ct) => content.ExistsAsync(digest, ct);

    public Task<Stream> OpenReadAsync(Digest digest, CancellationToken ct) => content.OpenReadAsync(digest, ct);

    public async Task WriteAsync(Digest digest, Func<Stream, long, CancellationToken, Task> fill, CancellationToken ct)
    {
        if (await content.ExistsAsync(digest, ct).ConfigureAwait(false))
            return;
        // Disposing an uncommitted writer deletes its temp file: a failed download leaves nothing behind.
        await using ContentWriter writer = content.OpenWriter();
        await fill(writer, 0, ct).ConfigureAwait(false);
        await writer.CommitAsync(digest, ct).ConfigureAwait(false);
    }
}
