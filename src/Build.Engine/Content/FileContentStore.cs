using System.Runtime.CompilerServices;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Content;

/// <summary>
/// <see cref="IContentStore"/> on the file system: <c>&lt;root&gt;/blobs/sha256/&lt;hex&gt;</c>, the
/// same shape as an OCI image layout's blob directory. Safe for concurrent writers in one or many
/// processes: each writes its own temp file and renames it; two writers of the same digest produce
/// the same bytes, so whichever rename lands last is correct.
/// </summary>
public sealed class FileContentStore : IContentStore
{
    private readonly string _blobs;
    private readonly StoreLease? _lease;

    public FileContentStore(BuilderRoot root)
        : this(root.BlobsDirectory)
    {
    }

    /// <summary>
    /// A store whose every access on behalf of a running operation is protected from the garbage collector:
    /// a blob that is checked, read or rewritten is touched under the store lock first (<see cref="StoreLease"/>).
    /// </summary>
    public FileContentStore(BuilderRoot root, StoreLease lease)
        : this(root.BlobsDirectory) => _lease = lease;

    /// <param name="blobsDirectory">The directory holding <c>sha256/</c>.</param>
    public FileContentStore(string blobsDirectory) => _blobs = blobsDirectory;

    public string PathOf(Digest digest) => Path.Combine(_blobs, digest.Algorithm, digest.Hex);

    public Task<bool> ExistsAsync(Digest digest, CancellationToken ct) =>
        _lease is null ? Task.FromResult(File.Exists(PathOf(digest))) : _lease.TouchAsync(PathOf(digest), ct);

    // Under a lease, a blob about to be used is touched first, so the collector keeps it from now on.
    private Task ClaimAsync(Digest digest, CancellationToken ct) => _lease is null ? Task.CompletedTask : _lease.TouchAsync(PathOf(digest), ct);

    public async Task<Stream> OpenReadAsync(Digest digest, CancellationToken ct)
    {
        await ClaimAsync(digest, ct).ConfigureAwait(false);
        try
        {
            return new FileStream(PathOf(digest), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BuildException(ErrorCode.NotFound, $"blob {digest} is not in the content store", e);
        }
    }

    public async Task<byte[]> ReadAllAsync(Digest digest, CancellationToken ct)
    {
        await ClaimAsync(digest, ct).ConfigureAwait(false);
        try
        {
            return await File.ReadAllBytesAsync(PathOf(digest), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BuildException(ErrorCode.NotFound, $"blob {digest} is not in the content store", e);
        }
    }

    public async Task<long> GetSizeAsync(Digest digest, CancellationToken ct)
    {
        await ClaimAsync(digest, ct).ConfigureAwait(false);
        var info = new FileInfo(PathOf(digest));
        return info.Exists ? info.Length : throw new BuildException(ErrorCode.NotFound, $"blob {digest} is not in the content store");
    }

    public async Task<StoredBlob> WriteAsync(ReadOnlyMemory<byte> content, Digest? expected, CancellationToken ct)
    {
        var digest = Digest.Compute(content.Span);
        if (expected is { } e && e != digest)
            throw new BuildException(ErrorCode.DigestMismatch, $"content hashes to {digest}, expected {e} ({content.Length} bytes)");
        if (await ExistsAsync(digest, ct).ConfigureAwait(false))
            return new StoredBlob(digest, content.Length);
        await using var writer = OpenWriter(digest.Algorithm);
        await writer.WriteAsync(content, ct).ConfigureAwait(false);
        return await writer.CommitAsync(digest, ct).ConfigureAwait(false);
    }

    public async Task<StoredBlob> WriteAsync(Stream content, Digest? expected, long? expectedSize, CancellationToken ct)
    {
        if (expected is { } e && await ExistsAsync(e, ct).ConfigureAwait(false))
            return new StoredBlob(e, new FileInfo(PathOf(e)).Length);
        await using var writer = OpenWriter(expected?.Algorithm ?? "sha256");
        await content.CopyToAsync(writer, 1 << 16, ct).ConfigureAwait(false);
        if (expectedSize is { } size && writer.Length != size)
        {
            throw new BuildException(ErrorCode.DigestMismatch,
                $"{(writer.Length < size ? "short read" : "too much data")} for {expected?.ToString() ?? "blob"}: got {writer.Length} bytes, expected {size}");
        }
        return await writer.CommitAsync(expected, ct).ConfigureAwait(false);
    }

    public ContentWriter OpenWriter() => OpenWriter("sha256");

    private ContentWriter OpenWriter(string algorithm) =>
        algorithm == "sha256"
            ? new ContentWriter(Path.Combine(_blobs, algorithm), _lease)
            : throw new BuildException(ErrorCode.InvalidDigest, $"the content store keeps sha256 blobs only, not {algorithm}");

    public async IAsyncEnumerable<Digest> ListAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        if (!Directory.Exists(_blobs))
            yield break;
        foreach (string algDir in Directory.EnumerateDirectories(_blobs).Order(StringComparer.Ordinal))
        {
            foreach (string file in Directory.EnumerateFiles(algDir).Order(StringComparer.Ordinal))
            {
                ct.ThrowIfCancellationRequested();
                // Temp files (".tmp-…") and anything else not named like a digest are not blobs.
                if (Digest.TryParse(Path.GetFileName(algDir) + ":" + Path.GetFileName(file), out var d))
                    yield return d;
            }
        }
    }

    public Task<bool> DeleteAsync(Digest digest, CancellationToken ct)
    {
        string path = PathOf(digest);
        if (!File.Exists(path))
            return Task.FromResult(false);
        File.Delete(path);
        return Task.FromResult(true);
    }

    public async Task<Digest> RehashAsync(Digest digest, CancellationToken ct)
    {
        await using var s = await OpenReadAsync(digest, ct).ConfigureAwait(false);
        return await Digest.ComputeAsync(s, ct).ConfigureAwait(false);
    }
}
