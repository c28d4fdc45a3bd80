using System.Buffers;
using System.IO.Compression;

namespace Build.Engine.Archive;

/// <summary>
/// gzip on every core with output that does not depend on the core count: each input chunk (cut at
/// fixed <see cref="ChunkSize"/> boundaries, never by timing) becomes one complete gzip member, and the
/// members are written in input order. RFC 1952 allows a file of several members; gunzip, Go's
/// compress/gzip (multistream by default, so containerd and BuildKit) and .NET's GZipStream read them as
/// one stream. A member's bytes depend only on its chunk and the level, so the blob is identical for any
/// parallelism, and an input of at most one chunk gives exactly the single-member blob a plain
/// <see cref="GZipStream"/> makes.
/// </summary>
internal sealed class ParallelGzip : IDisposable
{
    /// <summary>Uncompressed bytes per member; part of the blob format (changing it changes digests).</summary>
    public const int ChunkSize = ChunkQueueStream.ChunkSize;

    // Go's compress/gzip header tail (MTIME 0, XFL 0, OS 255): zlib-ng writes OS 3 on Linux and an
    // XFL that depends on the level; neither may change a layer digest.
    private static readonly byte[] GzipHeaderTail = [0, 0, 0, 0, 0, 0xff];

    // GZipStream writes nothing at all when given no input; this is the member Go's compress/gzip writes
    // for an empty input (header, an empty final stored block, CRC 0, size 0).
    private static readonly byte[] EmptyMember = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private readonly Stream _output;
    private readonly int _level;
    private readonly int _parallelism;
    private readonly Queue<Task<(byte[] Buffer, int Length)>> _pending = new();
    private bool _any;

    /// <param name="parallelism">members compressed at once; memory is about that many input + output buffers.</param>
    public ParallelGzip(Stream output, int level, int parallelism)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        _output = output;
        _level = level;
        _parallelism = parallelism;
    }

    /// <summary>
    /// Compresses the chunks (each exactly <see cref="ChunkSize"/> bytes but the last) in order into
    /// <paramref name="output"/>. Takes ownership of the chunk buffers (returned to <see cref="ArrayPool{T}.Shared"/>).
    /// </summary>
    public static void Compress(IEnumerable<(byte[] Buffer, int Length)> chunks, Stream output, int level, int parallelism)
    {
        using var gzip = new ParallelGzip(output, level, parallelism);
        foreach (var (buffer, length) in chunks)
            gzip.Add(buffer, length);
        gzip.Complete();
    }

    /// <summary>Queues one chunk (a pooled buffer this instance now owns); writes finished members in order.</summary>
    public void Add(byte[] buffer, int length)
    {
        _any = true;
        if (_parallelism == 1)
        {
            WriteMember(CompressOwned(buffer, length, _level));
            return;
        }
        int level = _level;
        _pending.Enqueue(Task.Run(() => CompressOwned(buffer, length, level), CancellationToken.None));
        while (_pending.Count >= _parallelism)
            WriteMember(_pending.Dequeue().GetAwaiter().GetResult());
    }

    /// <summary>Writes the remaining members. No input at all is still a valid gzip file: one member of nothing.</summary>
    public void Complete()
    {
        while (_pending.Count > 0)
            WriteMember(_pending.Dequeue().GetAwaiter().GetResult());
        if (!_any)
            WriteMember(CompressMember([], _level));
    }

    /// <summary>On failure, lets in-flight members finish so their buffers go back to the pool.</summary>
    public void Dispose()
    {
        while (_pending.Count > 0)
        {
            try
            {
                ArrayPool<byte>.Shared.Return(_pending.Dequeue().GetAwaiter().GetResult().Buffer);
            }
            catch (Exception)
            {
                // Already failing; the first error is the one reported.
            }
        }
    }

    /// <summary>One gzip member of <paramref name="input"/>, header pinned; returns a pooled buffer.</summary>
    internal static (byte[] Buffer, int Length) CompressMember(ReadOnlySpan<byte> input, int level)
    {
        // zlib's deflateBound is input + ~0.03 % + a few bytes; gzip adds 18.
        byte[] result = ArrayPool<byte>.Shared.Rent(input.Length + (input.Length >> 8) + 1024);
        if (input.IsEmpty)
        {
            EmptyMember.CopyTo(result, 0);
            return (result, EmptyMember.Length);
        }
        try
        {
            var ms = new MemoryStream(result, 0, result.Length, writable: true, publiclyVisible: true);
            using (var gz = new GZipStream(ms, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
                gz.Write(input);
            GzipHeaderTail.CopyTo(result.AsSpan(4));
            return (result, (int)ms.Position);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(result);
            throw;
        }
    }

    private static (byte[] Buffer, int Length) CompressOwned(byte[] buffer, int length, int level)
    {
        try
        {
            return CompressMember(buffer.AsSpan(0, length), level);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void WriteMember((byte[] Buffer, int Length) member)
    {
        try
        {
            _output.Write(member.Buffer, 0, member.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(member.Buffer);
        }
    }
}
