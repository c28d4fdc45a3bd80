using System.Security.Cryptography;
using Build.Engine.Archive;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Export;

/// <summary>
/// Passes reads through while hashing them, so an exporter checks each blob against its digest in
/// the same pass that copies it: a corrupted store fails the export instead of shipping bad bytes.
/// </summary>
internal sealed class HashingReadStream(Stream inner) : ReadOnlyStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long BytesRead { get; private set; }

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        _hash.AppendData(buffer[..n]);
        BytesRead += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _hash.AppendData(buffer.Span[..n]);
        BytesRead += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Throws StoreCorrupt unless everything read hashes to <paramref name="expected"/>.</summary>
    public void Verify(Digest expected, string what)
    {
        var actual = Digest.FromSha256(_hash.GetHashAndReset());
        if (actual != expected)
            throw new BuildException(ErrorCode.StoreCorrupt, $"{what} {expected} hashes to {actual} while exporting; run builder verify");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }
}
