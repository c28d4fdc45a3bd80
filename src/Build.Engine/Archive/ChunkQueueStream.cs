using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Build.Engine.Archive;

/// <summary>
/// The producer end of the layer pipeline: collects tar bytes into 1 MiB chunks, hashes each chunk
/// (the diff-id) and hands it to the compression thread. Hashing here, on the tar thread, keeps the
/// two cores busy with roughly equal work: file reads + SHA-256 on one, deflate/zstd on the other.
/// </summary>
internal sealed class ChunkQueueStream(BlockingCollection<(byte[] Buffer, int Length)> queue, IncrementalHash hash, CancellationToken ct) : Stream
{
    public const int ChunkSize = 1 << 20;

    private byte[] _chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);

    /// <summary>Also gets every chunk (<see cref="LayerWriteOptions.UnpackInto"/>).</summary>
    public LayerTee? Tee { get; init; }
    private int _used;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int n = Math.Min(buffer.Length, ChunkSize - _used);
            buffer[..n].CopyTo(_chunk.AsSpan(_used));
            _used += n;
            buffer = buffer[n..];
            if (_used == ChunkSize)
                Push();
        }
    }

    /// <summary>Sends the partial chunk; called once at the end of the tar.</summary>
    public override void Flush()
    {
        if (_used > 0)
            Push();
    }

    private void Push()
    {
        hash.AppendData(_chunk, 0, _used);
        Tee?.Write(_chunk.AsSpan(0, _used));
        queue.Add((_chunk, _used), ct);
        _chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        _used = 0;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _chunk.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_chunk);
            _chunk = [];
        }
        base.Dispose(disposing);
    }
}
