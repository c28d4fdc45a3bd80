using System.Buffers;
using Build.Engine.Errors;

namespace Build.Engine.Oci;

/// <summary>
/// A zstd compressing (write-only) or decompressing (read-only) stream over Debian's libzstd.
/// Compression writes one frame with a content checksum, as the zstd CLI does; decompression
/// accepts concatenated frames.
/// </summary>
public sealed unsafe class ZstdStream : Stream
{
    private const int BufferSize = 1 << 17;

    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly bool _compress;
    private readonly byte[] _buffer;
    private nint _ctx;
    private int _inPos;
    private int _inLen;
    private bool _innerEnded;
    private bool _frameOpen;
    private bool _outputPending;

    /// <summary>
    /// A compressing stream writing to <paramref name="destination"/>. <paramref name="workers"/> ≥ 1 compresses
    /// on libzstd's own threads; since zstd 1.5.0 the output is the same for every worker count ≥ 1 (a test checks
    /// it), so layer digests do not depend on the machine's core count. 0 is libzstd's single-threaded mode,
    /// whose output differs.
    /// </summary>
    public ZstdStream(Stream destination, int level, bool leaveOpen = false, int workers = 0)
    {
        ArgumentNullException.ThrowIfNull(destination);
        _inner = destination;
        _leaveOpen = leaveOpen;
        _compress = true;
        _ctx = ZstdNative.CreateCompressor();
        Check(ZstdNative.ZSTD_CCtx_setParameter(_ctx, ZstdNative.ZSTD_c_compressionLevel, level));
        Check(ZstdNative.ZSTD_CCtx_setParameter(_ctx, ZstdNative.ZSTD_c_checksumFlag, 1));
        if (workers > 0)
            Check(ZstdNative.ZSTD_CCtx_setParameter(_ctx, ZstdNative.ZSTD_c_nbWorkers, workers));
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    /// <summary>A decompressing stream reading from <paramref name="source"/>.</summary>
    public ZstdStream(Stream source, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        _inner = source;
        _leaveOpen = leaveOpen;
        _compress = false;
        _ctx = ZstdNative.CreateDecompressor();
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    public override bool CanRead => !_compress;

    public override bool CanSeek => false;

    public override bool CanWrite => _compress;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (!_compress)
            throw new NotSupportedException("this zstd stream decompresses");
        ObjectDisposedException.ThrowIf(_ctx == 0, this);
        if (buffer.IsEmpty)
            return;
        _frameOpen = true;
        fixed (byte* src = buffer)
        fixed (byte* dst = _buffer)
        {
            var input = new ZstdNative.Buffer { Data = src, Size = (nuint)buffer.Length, Pos = 0 };
            while (input.Pos < input.Size)
            {
                var output = new ZstdNative.Buffer { Data = dst, Size = (nuint)BufferSize, Pos = 0 };
                Check(ZstdNative.ZSTD_compressStream2(_ctx, &output, &input, ZstdNative.ZSTD_e_continue));
                if (output.Pos > 0)
                    _inner.Write(_buffer, 0, (int)output.Pos);
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
        if (_compress && _ctx != 0)
            Drive(ZstdNative.ZSTD_e_flush);
        _inner.Flush();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_compress)
            throw new NotSupportedException("this zstd stream compresses");
        ObjectDisposedException.ThrowIf(_ctx == 0, this);
        if (buffer.IsEmpty)
            return 0;
        fixed (byte* dst = buffer)
        fixed (byte* src = _buffer)
        {
            while (true)
            {
                if (_inPos == _inLen && !_innerEnded)
                {
                    _inLen = _inner.Read(_buffer, 0, BufferSize);
                    _inPos = 0;
                    if (_inLen == 0)
                        _innerEnded = true;
                }
                if (_innerEnded && _inPos == _inLen && !_outputPending)
                {
                    if (_frameOpen)
                        throw new BuildException(ErrorCode.InvalidArchive, "zstd stream is truncated");
                    return 0;
                }
                var input = new ZstdNative.Buffer { Data = src, Size = (nuint)_inLen, Pos = (nuint)_inPos };
                var output = new ZstdNative.Buffer { Data = dst, Size = (nuint)buffer.Length, Pos = 0 };
                nuint rc = ZstdNative.ZSTD_decompressStream(_ctx, &output, &input);
                Check(rc);
                _inPos = (int)input.Pos;
                // 0 means a frame just ended (another may follow); otherwise the decoder is inside a frame.
                _frameOpen = rc != 0;
                // A full output buffer may mean the decoder holds more output even without new input.
                _outputPending = output.Pos == output.Size;
                if (output.Pos > 0)
                    return (int)output.Pos;
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read(buffer.AsSpan(offset, count)));
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (_ctx != 0)
        {
            try
            {
                if (disposing && _compress)
                {
                    // An empty input still becomes a valid (empty) frame, so the output is always decodable.
                    _frameOpen = true;
                    Drive(ZstdNative.ZSTD_e_end);
                    _inner.Flush();
                }
            }
            finally
            {
                if (_compress)
                    ZstdNative.ZSTD_freeCCtx(_ctx);
                else
                    ZstdNative.ZSTD_freeDCtx(_ctx);
                _ctx = 0;
                ArrayPool<byte>.Shared.Return(_buffer);
                if (disposing && !_leaveOpen)
                    _inner.Dispose();
            }
        }
        base.Dispose(disposing);
    }

    private void Drive(int directive)
    {
        if (!_frameOpen)
            return;
        fixed (byte* dst = _buffer)
        {
            var input = new ZstdNative.Buffer { Data = null, Size = 0, Pos = 0 };
            while (true)
            {
                var output = new ZstdNative.Buffer { Data = dst, Size = (nuint)BufferSize, Pos = 0 };
                nuint remaining = ZstdNative.ZSTD_compressStream2(_ctx, &output, &input, directive);
                Check(remaining);
                if (output.Pos > 0)
                    _inner.Write(_buffer, 0, (int)output.Pos);
                if (remaining == 0)
                    break;
            }
        }
        if (directive == ZstdNative.ZSTD_e_end)
            _frameOpen = false;
    }

    private static void Check(nuint code)
    {
        if (ZstdNative.ZSTD_isError(code) != 0)
            throw new BuildException(ErrorCode.InvalidArchive, $"zstd: {ZstdNative.ErrorName(code)}");
    }
}
