using System.Security.Cryptography;
using Build.Engine.Oci;

namespace Build.Engine.Archive;

/// <summary>
/// A write-only pass-through that hashes and counts the bytes on their way to the destination, and can
/// pin the variable fields of a gzip member header (MTIME, XFL, OS) to fixed values.
/// </summary>
internal sealed class DigestingStream(Stream inner, bool normalizeGzipHeader) : Stream
{
    // Go's compress/gzip header (MTIME 0, XFL 0, OS 255 "unknown"). zlib-ng writes OS 3 on Linux but
    // another value on other systems, and XFL depends on the level: neither may change a layer digest.
    private static readonly byte[] GzipHeaderTail = [0, 0, 0, 0, 0, 0xff];

    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long BytesWritten { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => BytesWritten;

    public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }

    public Digest GetDigest() => Digest.FromSha256(_hash.GetHashAndReset());

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (normalizeGzipHeader && BytesWritten < 10 && !buffer.IsEmpty)
        {
            byte[] copy = buffer.ToArray();
            for (long pos = Math.Max(4, BytesWritten); pos < 10 && pos - BytesWritten < copy.Length; pos++)
                copy[pos - BytesWritten] = GzipHeaderTail[pos - 4];
            buffer = copy;
        }
        _hash.AppendData(buffer);
        inner.Write(buffer);
        BytesWritten += buffer.Length;
    }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _hash.Dispose();
        base.Dispose(disposing);
    }
}
