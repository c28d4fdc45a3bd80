using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Archive;

/// <summary>
/// Writes a layer blob in one pass: the tar is produced, hashed (diff-id), compressed, and the
/// compressed bytes are hashed and counted on their way to the destination. Nothing is read twice
/// and no temporary file is made, so the result's digests exist the moment the bytes do.
/// </summary>
public static class LayerWriter
{
    private const int QueueDepth = 8;

    public static async Task<LayerWriteResult> WriteAsync(LayerSource source, Stream destination, LayerWriteOptions? options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        options ??= new LayerWriteOptions();
        if (options.GzipLevel is < 1 or > 9)
            throw new BuildException(ErrorCode.InvalidArgument, $"gzip level {options.GzipLevel} is out of range 1-9");
        string mediaType = MediaTypeOf(options.Compression);

        var entries = await Task.Run(() => source.CollectEntries(ct), ct).ConfigureAwait(false);
        if (entries.Count == 0)
        {
            // The empty layer unpacks to an empty directory: what UnpackInto already is.
            var empty = await WriteEmptyAsync(destination, options, mediaType, ct).ConfigureAwait(false);
            return empty with { Unpacked = options.UnpackInto is not null };
        }

        if (EstimateTarSize(entries) <= options.SmallLayerLimit)
            return await WriteSmallAsync(entries, destination, options, mediaType, ct).ConfigureAwait(false);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var queue = new BlockingCollection<(byte[] Buffer, int Length)>(QueueDepth);
        using var diffHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var tee = options.UnpackInto is { } into ? LayerTee.Start(into, options.UnpackOptions, cts.Token) : null;

        var producer = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    using var pipe = new ChunkQueueStream(queue, diffHash, cts.Token) { Tee = tee };
                    var tar = new DeterministicTarWriter(pipe, options.SourceDateEpoch);
                    foreach (var entry in entries)
                    {
                        cts.Token.ThrowIfCancellationRequested();
                        tar.WriteEntry(entry);
                    }
                    tar.Finish();
                    return tar.BytesWritten;
                }
                catch
                {
                    cts.Cancel();
                    throw;
                }
                finally
                {
                    queue.CompleteAdding();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        var consumer = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    // Uncompressed, the blob is the tar: its digest is the diff-id, no need to hash it twice.
                    using var digesting = new DigestingStream(destination, normalizeGzipHeader: false, hash: options.Compression != LayerCompression.None);
                    if (options.Compression == LayerCompression.Gzip)
                    {
                        // One gzip member per 1 MiB chunk, on every core; ParallelGzip pins each member's header.
                        int threads = Math.Max(1, options.GzipThreads ?? Environment.ProcessorCount);
                        ParallelGzip.Compress(queue.GetConsumingEnumerable(cts.Token), digesting, options.GzipLevel, threads);
                    }
                    else
                    {
                        using var compressor = OpenCompressor(digesting, options);
                        foreach (var (buffer, length) in queue.GetConsumingEnumerable(cts.Token))
                        {
                            compressor.Write(buffer, 0, length);
                            ArrayPool<byte>.Shared.Return(buffer);
                        }
                    }
                    digesting.Flush();
                    return (digesting.GetDigest(), digesting.BytesWritten);
                }
                catch
                {
                    cts.Cancel();
                    throw;
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        bool unpacked = false;
        try
        {
            await AwaitBoth(producer, consumer, ct).ConfigureAwait(false);
        }
        finally
        {
            if (tee is not null)
                unpacked = await tee.FinishAsync(producer.IsCompletedSuccessfully && consumer.IsCompletedSuccessfully).ConfigureAwait(false);
        }
        long tarSize = producer.Result;
        var (digest, size) = consumer.Result;
        var diffId = Digest.FromSha256(diffHash.GetHashAndReset());
        return new LayerWriteResult(diffId, options.Compression == LayerCompression.None ? diffId : digest, size, mediaType, tarSize) { Unpacked = unpacked };
    }

    // Headers, padded content, long names and PAX records (an over-estimate is harmless: it only picks the path).
    private static long EstimateTarSize(IReadOnlyList<LayerEntry> entries)
    {
        long total = 1024;
        foreach (var e in entries)
        {
            total += 512 + ((e.ContentLength + 511) & ~511L);
            if (e.Path.Length > 99 || e.LinkTarget?.Length > 99 || !e.Xattrs.IsEmpty)
                total += 1536;
        }
        return total;
    }

    /// <summary>
    /// A small layer (most COPY and RUN steps): the tar is made in memory on the calling thread, and compressed into
    /// exactly the bytes the pipeline would give (gzip members cut at the same 1 MiB boundaries); the unpack into
    /// <see cref="LayerWriteOptions.UnpackInto"/> runs beside the compression. Starting the pipeline's threads and
    /// its 1 MiB buffers costs more than such a layer takes to write.
    /// </summary>
    private static async Task<LayerWriteResult> WriteSmallAsync(IReadOnlyList<LayerEntry> entries, Stream destination, LayerWriteOptions options, string mediaType, CancellationToken ct)
    {
        var tarStream = new MemoryStream();
        var tar = new DeterministicTarWriter(tarStream, options.SourceDateEpoch);
        foreach (var entry in entries)
        {
            ct.ThrowIfCancellationRequested();
            tar.WriteEntry(entry);
        }
        tar.Finish();
        var bytes = tarStream.GetBuffer().AsMemory(0, checked((int)tarStream.Length));
        var diffId = Digest.Compute(bytes.Span);

        var tee = options.UnpackInto is { } into ? LayerTee.Start(into, options.UnpackOptions, ct) : null;
        tee?.Write(bytes.Span);
        Digest digest;
        long size;
        bool written = false;
        bool unpacked = false;
        try
        {
            using var digesting = new DigestingStream(destination, normalizeGzipHeader: false, hash: options.Compression != LayerCompression.None);
            if (options.Compression == LayerCompression.Gzip)
            {
                for (int offset = 0; offset < bytes.Length; offset += ParallelGzip.ChunkSize)
                {
                    var (member, length) = ParallelGzip.CompressMember(bytes.Span.Slice(offset, Math.Min(ParallelGzip.ChunkSize, bytes.Length - offset)), options.GzipLevel);
                    try
                    {
                        digesting.Write(member, 0, length);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(member);
                    }
                }
            }
            else
            {
                using var compressor = OpenCompressor(digesting, options);
                compressor.Write(bytes.Span);
            }
            digesting.Flush();
            digest = options.Compression == LayerCompression.None ? diffId : digesting.GetDigest();
            size = digesting.BytesWritten;
            written = true;
        }
        finally
        {
            if (tee is not null)
                unpacked = await tee.FinishAsync(written).ConfigureAwait(false);
        }
        await destination.FlushAsync(ct).ConfigureAwait(false);
        return new LayerWriteResult(diffId, digest, size, mediaType, bytes.Length) { Unpacked = unpacked };
    }

    public static string MediaTypeOf(LayerCompression compression) => compression switch
    {
        LayerCompression.None => MediaTypes.OciLayer,
        LayerCompression.Gzip => MediaTypes.OciLayerGzip,
        LayerCompression.Zstd => MediaTypes.OciLayerZstd,
        _ => throw new BuildException(ErrorCode.InvalidArgument, $"unknown layer compression {compression}"),
    };

    private static Stream OpenCompressor(Stream output, LayerWriteOptions options) => options.Compression switch
    {
        LayerCompression.None => new NonClosingStream(output),
        LayerCompression.Gzip => new GZipStream(output, new ZLibCompressionOptions { CompressionLevel = options.GzipLevel }, leaveOpen: true),
        // libzstd's worker threads: zstd level 3 is the slowest stage of the pipeline, and multi-threaded
        // zstd output does not depend on the worker count, so this is as reproducible as one thread.
        LayerCompression.Zstd => new ZstdStream(output, options.ZstdLevel, leaveOpen: true, workers: Math.Clamp(Environment.ProcessorCount, 1, 8)),
        _ => throw new BuildException(ErrorCode.InvalidArgument, $"unknown layer compression {options.Compression}"),
    };

    private static async Task<LayerWriteResult> WriteEmptyAsync(Stream destination, LayerWriteOptions options, string mediaType, CancellationToken ct)
    {
        byte[] blob;
        if (options.Compression == LayerCompression.Gzip)
        {
            blob = EmptyLayer.Gzip.ToArray();
        }
        else
        {
            var ms = new MemoryStream();
            using (var c = OpenCompressor(ms, options))
                c.Write(EmptyLayer.Tar.Span);
            blob = ms.ToArray();
        }
        await destination.WriteAsync(blob, ct).ConfigureAwait(false);
        await destination.FlushAsync(ct).ConfigureAwait(false);
        return new LayerWriteResult(EmptyLayer.DiffId, Digest.Compute(blob), blob.Length, mediaType, EmptyLayer.Tar.Length);
    }

    /// <summary>Waits for both stages and reports the first real failure, not the cancellation it caused in the other.</summary>
    private static async Task AwaitBoth(Task a, Task b, CancellationToken ct)
    {
        try
        {
            await Task.WhenAll(a, b).ConfigureAwait(false);
        }
        catch
        {
            ct.ThrowIfCancellationRequested();
            foreach (var t in new[] { a, b })
            {
                if (t.Exception?.InnerException is { } ex && ex is not OperationCanceledException)
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex);
            }
            throw;
        }
    }
}
