using System.Runtime.InteropServices;
using Build.Engine.Errors;

namespace Build.Engine.Oci;

/// <summary>
/// A read-only stream that decompresses zstd through the system libzstd (no managed zstd package
/// restores here; see FINDINGS.md). Needed wherever a stored <c>+zstd</c> layer is read back.
/// </summary>
internal sealed partial class ZstdDecompressStream : Stream
{
    private const string Lib = "libzstd.so.1";
    private readonly Stream _inner;
    private readonly byte[] _in = new byte[128 * 1024];
    private IntPtr _ds;
    private int _inPos;
    private int _inLen;
    private bool _eof;
    private nuint _lastHint = 1;

    public ZstdDecompressStream(Stream inner)
    {
        _inner = inner;
        try
        {
            _ds = ZSTD_createDStream();
        }
        catch (DllNotFoundException e)
        {
            throw new BuildException(ErrorCode.Io, "reading a zstd layer needs libzstd.so.1 (apt-get install libzstd1)", e);
        }
        Check(ZSTD_initDStream(_ds));
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            if (_inPos == _inLen && !_eof)
            {
                _inLen = _inner.Read(_in);
                _inPos = 0;
                _eof = _inLen == 0;
            }
            int n = Step(buffer, out bool done);
            if (n > 0 || done || buffer.IsEmpty)
                return n;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_inPos == _inLen && !_eof)
            {
                _inLen = await _inner.ReadAsync(_in, cancellationToken).ConfigureAwait(false);
                _inPos = 0;
                _eof = _inLen == 0;
            }
            int n = Step(buffer.Span, out bool done);
            if (n > 0 || done || buffer.IsEmpty)
                return n;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private unsafe int Step(Span<byte> output, out bool done)
    {
        done = false;
        fixed (byte* src = _in)
        fixed (byte* dst = output)
        {
            var inBuf = new ZstdInBuffer { Src = src, Size = (nuint)_inLen, Pos = (nuint)_inPos };
            var outBuf = new ZstdOutBuffer { Dst = dst, Size = (nuint)output.Length, Pos = 0 };
            nuint hint = ZSTD_decompressStream(_ds, &outBuf, &inBuf);
            Check(hint);
            _inPos = (int)inBuf.Pos;
            _lastHint = hint;
            if (outBuf.Pos > 0)
                return (int)outBuf.Pos;
        }
        if (_eof && _inPos == _inLen)
        {
            // A hint of 0 means the last frame ended exactly; anything else is a cut-off stream.
            if (_lastHint != 0)
                throw new BuildException(ErrorCode.InvalidArchive, "zstd stream is truncated");
            done = true;
        }
        return 0;
    }

    private static void Check(nuint code)
    {
        if (ZSTD_isError(code) != 0)
            throw new BuildException(ErrorCode.InvalidArchive, "zstd: " + Marshal.PtrToStringUTF8(ZSTD_getErrorName(code)));
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (_ds != IntPtr.Zero)
        {
            _ = ZSTD_freeDStream(_ds);
            _ds = IntPtr.Zero;
        }
        if (disposing)
            _inner.Dispose();
        base.Dispose(disposing);
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct ZstdInBuffer
    {
        public byte* Src;
        public nuint Size;
        public nuint Pos;
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct ZstdOutBuffer
    {
        public byte* Dst;
        public nuint Size;
        public nuint Pos;
    }

    [LibraryImport(Lib)]
    private static partial IntPtr ZSTD_createDStream();

    [LibraryImport(Lib)]
    private static partial nuint ZSTD_freeDStream(IntPtr ds);

    [LibraryImport(Lib)]
    private static partial nuint ZSTD_initDStream(IntPtr ds);

    [LibraryImport(Lib)]
    private static unsafe partial nuint ZSTD_decompressStream(IntPtr ds, ZstdOutBuffer* output, ZstdInBuffer* input);

    [LibraryImport(Lib)]
    private static partial uint ZSTD_isError(nuint code);

    [LibraryImport(Lib)]
    private static partial IntPtr ZSTD_getErrorName(nuint code);
}
