using System.Buffers;
using System.IO.Compression;
using System.Security.Cryptography;
using Build.Engine.Archive;
using Build.Engine.Oci;

namespace Build.Engine.Content;

/// <summary>
/// Stores a layer that arrives as a bare tar (docker-archive) as a gzip blob, computing the diff-id
/// of the tar and the digest of the compressed blob in one pass over the input. A layer that is
/// already gzip is stored as is and its diff-id computed by reading it back.
/// </summary>
internal static class LayerIngest
{
    internal sealed record Result(Digest DiffId, StoredBlob Blob, string MediaType);

    public static async Task<Result> StoreAsync(IContentStore content, Stream input, CancellationToken ct)
    {
        byte[] buffer = new byte[1 << 16];
        int first = await input.ReadAtLeastAsync(buffer, 2, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (first >= 2 && buffer[0] == 0x1f && buffer[1] == 0x8b)
        {
            StoredBlob blob;
            await using (var writer = content.OpenWriter())
            {
                await writer.WriteAsync(buffer.AsMemory(0, first), ct).ConfigureAwait(false);
                await input.CopyToAsync(writer, ct).ConfigureAwait(false);
                blob = await writer.CommitAsync(null, ct).ConfigureAwait(false);
            }
            await using var back = new GZipStream(await content.OpenReadAsync(blob.Digest, ct).ConfigureAwait(false), CompressionMode.Decompress);
            return new Result(await Digest.ComputeAsync(back, ct).ConfigureAwait(false), blob, MediaTypes.OciLayerGzip);
        }
        using var diffHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var sink = content.OpenWriter();
        // Level 2 and one gzip member per 1 MiB of tar, as the layer writer makes them (ParallelGzip), with
        // the same pinned headers: a layer exported uncompressed (docker-archive) and imported again gets
        // back the digest it had.
        using (var gzip = new ParallelGzip(sink, level: 2, Environment.ProcessorCount))
        {
            byte[] chunk = ArrayPool<byte>.Shared.Rent(ParallelGzip.ChunkSize);
            buffer.AsSpan(0, first).CopyTo(chunk);
            int used = first;
            while (true)
            {
                used += await input.ReadAtLeastAsync(chunk.AsMemory(used, ParallelGzip.ChunkSize - used), ParallelGzip.ChunkSize - used, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                if (used == 0)
                {
                    ArrayPool<byte>.Shared.Return(chunk);
                    break;
                }
                diffHash.AppendData(chunk, 0, used);
                bool full = used == ParallelGzip.ChunkSize;
                gzip.Add(chunk, used);
                if (!full)
                    break;
                chunk = ArrayPool<byte>.Shared.Rent(ParallelGzip.ChunkSize);
                used = 0;
            }
            gzip.Complete();
        }
        var stored = await sink.CommitAsync(null, ct).ConfigureAwait(false);
        return new Result(Digest.FromSha256(diffHash.GetHashAndReset()), stored, MediaTypes.OciLayerGzip);
    }
}
